import type { Incident, IncidentChange } from './ports/incidents.js';
import { INCIDENT_MOVES } from './ports/incidents.js';

/**
 * An episode after a change, or `undefined` when its state does not allow it: the one decision
 * every adapter makes, inside its own transaction, so that the moves are the same everywhere.
 */
export function applyIncidentChange(incident: Incident, change: IncidentChange, now: number): Incident | undefined {
  if (!INCIDENT_MOVES[change.to].includes(incident.state)) return undefined;
  const { nextStepAt: _due, acknowledged: _ack, ...rest } = incident;
  switch (change.to) {
    case 'acknowledged':
      // The chain waits: nothing is due until someone unacknowledges.
      return { ...rest, state: 'acknowledged', updatedAt: now, acknowledged: { by: change.by, at: now } };
    case 'triggered':
      return { ...rest, state: 'triggered', updatedAt: now, ...(change.nextStepAt === undefined ? {} : { nextStepAt: change.nextStepAt }) };
    case 'resolved':
      return {
        ...rest,
        ...(incident.acknowledged ? { acknowledged: incident.acknowledged } : {}),
        state: 'resolved',
        updatedAt: now,
        resolved: { at: now, ...(change.by ? { by: change.by } : {}) },
      };
  }
}

/**
 * The episode with its chain stopped (nothing due any more), or `undefined` unless it is
 * triggered at `step` with a step due: the check every adapter makes inside its transaction.
 */
export function stoppedAt(incident: Incident, step: number, now: number): Incident | undefined {
  if (incident.state !== 'triggered' || incident.nextStep !== step || incident.nextStepAt === undefined) return undefined;
  const { nextStepAt: _due, ...rest } = incident;
  return { ...rest, updatedAt: now };
}

/** A new episode, its first step due at `firstStepAt`. */
export function newIncident(input: {
  id: string;
  groupKey: string;
  policy: string;
  notificationId: string;
  firstStepAt: number;
  now: number;
}): Incident {
  return {
    id: input.id,
    groupKey: input.groupKey,
    policy: input.policy,
    state: 'triggered',
    startedAt: input.now,
    updatedAt: input.now,
    openedBy: input.notificationId,
    notificationId: input.notificationId,
    nextStep: 0,
    nextStepAt: input.firstStepAt,
    runs: [],
  };
}
