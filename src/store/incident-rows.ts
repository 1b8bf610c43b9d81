import type { Incident, IncidentState } from './ports/incidents.js';

/** An episode as both SQL adapters keep it: times in epoch ms, the rest as JSON text. */
export interface IncidentRow {
  id: string;
  group_key: string;
  policy: string;
  state: string;
  started_at: number;
  updated_at: number;
  opened_by: string;
  notification_id: string;
  next_step: number;
  next_step_at: number | null;
  acknowledged: string | null;
  resolved: string | null;
  runs: string;
}

/** The columns an episode is read from, in every statement that returns one. */
export const INCIDENT_COLUMNS =
  'id, group_key, policy, state, started_at, updated_at, opened_by, notification_id, next_step, next_step_at, acknowledged, resolved, runs';

export function toIncident(row: IncidentRow): Incident {
  return {
    id: row.id,
    groupKey: row.group_key,
    policy: row.policy,
    state: row.state as IncidentState,
    startedAt: Number(row.started_at),
    updatedAt: Number(row.updated_at),
    openedBy: row.opened_by,
    notificationId: row.notification_id,
    nextStep: Number(row.next_step),
    ...(row.next_step_at === null ? {} : { nextStepAt: Number(row.next_step_at) }),
    ...(row.acknowledged === null ? {} : { acknowledged: JSON.parse(row.acknowledged) as NonNullable<Incident['acknowledged']> }),
    ...(row.resolved === null ? {} : { resolved: JSON.parse(row.resolved) as NonNullable<Incident['resolved']> }),
    runs: JSON.parse(row.runs) as Incident['runs'],
  };
}

/** What changes of an episode after it began, in the order the UPDATE statements take them. */
export function changedColumns(incident: Incident): [string, number, string, number, number | null, string | null, string | null, string] {
  return [
    incident.state,
    incident.updatedAt,
    incident.notificationId,
    incident.nextStep,
    incident.nextStepAt ?? null,
    incident.acknowledged ? JSON.stringify(incident.acknowledged) : null,
    incident.resolved ? JSON.stringify(incident.resolved) : null,
    JSON.stringify(incident.runs),
  ];
}
