import type { IncidentCommand, IncidentControl, IncidentControlResult, IncidentRef } from '../../integrations/incident-control.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import { dueAfter, type EscalationPolicy } from '../../oncall/escalation-policy.js';
import type { HistoryStore } from '../../store/ports/history.js';
import type { Incident, IncidentChange, IncidentStore } from '../../store/ports/incidents.js';
import type { Actor, HistoryEvent } from '../../store/ports/records.js';
import { OPEN_STATES, recordIncidentEvent } from './incident-events.js';

export interface IncidentControlDeps {
  readonly store: IncidentStore & Pick<HistoryStore, 'getNotification' | 'recordEvent'>;
  /** The policies of the config in force: an unacknowledged chain walks on by its policy's delays. */
  readonly policies: () => ReadonlyMap<string, EscalationPolicy>;
  readonly logger: Logger;
  readonly metrics?: Pick<Metrics, 'incidentChanges'>;
  /** A chain was restarted: the timers loop looks again (its next step may be due sooner than it sleeps). */
  readonly onRestart?: () => void;
  readonly now?: () => number;
}

const HISTORY_KIND: Record<IncidentCommand, HistoryEvent['kind']> = {
  acknowledge: 'acknowledged',
  unacknowledge: 'unacknowledged',
  resolve: 'incident-resolved',
};

/**
 * The one `IncidentControl`: finds the episode (by id, or the group's open one), asks the store for
 * the move (the store alone decides, in one transaction, so an acknowledgement committed on any
 * replica stops a step another replica is about to fire), and records who did it in the history
 * of the episode's latest notification.
 */
export function createIncidentControl(deps: IncidentControlDeps): IncidentControl {
  const now = deps.now ?? Date.now;
  return {
    async command(ref: IncidentRef, command: IncidentCommand, by: Actor): Promise<IncidentControlResult> {
      const incident = await find(ref);
      if (incident === undefined) return { done: false, reason: 'not found' };
      const at = now();
      const change = changeFor(incident, command, by, at);
      const result = await deps.store.changeIncident(incident.id, change, at);
      if (!result.changed) {
        if (result.reason === 'not found') return { done: false, reason: 'not found' };
        return { done: false, reason: 'conflict', incident: result.incident, message: conflictMessage(result.incident, command) };
      }
      deps.metrics?.incidentChanges.inc({ state: result.incident.state });
      deps.logger.info('episode changed by hand', {
        incident: incident.id,
        groupKey: incident.groupKey,
        command,
        by: by.name,
        via: by.via,
      });
      await recordIncidentEvent(deps.store, result.incident, { at, kind: HISTORY_KIND[command], by }, deps.logger);
      if (command === 'unacknowledge') deps.onRestart?.();
      return { done: true, incident: result.incident };
    },
  };

  async function find(ref: IncidentRef): Promise<Incident | undefined> {
    if ('id' in ref) return deps.store.getIncident(ref.id);
    // The group's open episode; with none open, its latest, so that acknowledging one resolved says so.
    const [open] = await deps.store.listIncidents({ states: OPEN_STATES, groupKey: ref.groupKey, limit: 1 });
    if (open !== undefined) return open;
    const [latest] = await deps.store.listIncidents({ states: ['resolved'], groupKey: ref.groupKey, limit: 1 });
    return latest;
  }

  function changeFor(incident: Incident, command: IncidentCommand, by: Actor, at: number): IncidentChange {
    if (command === 'acknowledge') return { to: 'acknowledged', by };
    if (command === 'resolve') return { to: 'resolved', by };
    // The chain walks on from its next step, counted from now; a policy no longer configured has none.
    const policy = deps.policies().get(incident.policy);
    return { to: 'triggered', by, nextStepAt: policy === undefined ? undefined : dueAfter(policy, incident.nextStep, at) };
  }
}

function conflictMessage(incident: Incident, command: IncidentCommand): string {
  const state =
    incident.state === 'acknowledged' && incident.acknowledged
      ? `acknowledged by ${incident.acknowledged.by.name} (${incident.acknowledged.by.via})`
      : incident.state;
  return `cannot ${command} episode ${incident.id}: it is ${state}`;
}
