import type { Incident } from '../../store/ports/incidents.js';

const iso = (at: number | undefined): string | null => (at === undefined ? null : new Date(at).toISOString());

/**
 * An episode as the API answers it. Steps are counted from 1 here, as messages and people count
 * them (the store counts from 0): `step` is the last one that ran (0 before the first), and
 * `nextStep` the one due at `nextStepAt` (both null while acknowledged, resolved, or with none left).
 */
export function presentIncident(incident: Incident) {
  const last = incident.runs.at(-1);
  const due = incident.nextStepAt !== undefined;
  return {
    id: incident.id,
    groupKey: incident.groupKey,
    policy: incident.policy,
    state: incident.state,
    step: last === undefined ? 0 : last.step + 1,
    nextStep: due ? incident.nextStep + 1 : null,
    nextStepAt: iso(incident.nextStepAt),
    acknowledgedBy: incident.acknowledged?.by ?? null,
    acknowledgedAt: iso(incident.acknowledged?.at),
    resolvedBy: incident.resolved?.by ?? null,
    resolvedAt: iso(incident.resolved?.at),
    startedAt: iso(incident.startedAt),
    updatedAt: iso(incident.updatedAt),
    runs: incident.runs.map((run) => ({
      step: run.step + 1,
      at: iso(run.at),
      actions: run.actions,
      notified: run.notified,
    })),
  };
}

export type IncidentJson = ReturnType<typeof presentIncident>;
