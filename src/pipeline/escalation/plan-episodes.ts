import { randomUUID } from 'node:crypto';
import type { Alert, Notification } from '../../model/model.js';
import type { EscalationPolicy } from '../../oncall/escalation-policy.js';
import type { HistoryEvent } from '../../store/ports/records.js';
import type { PipelineContext } from '../pipeline.js';
import { OPEN_STATES } from './incident-events.js';

/** What beginning and ending episodes uses of the pipeline's context. */
export type EpisodeDeps = Pick<PipelineContext, 'routes' | 'store' | 'metrics' | 'logger' | 'policies'>;

// Open episodes of one group resolved together; a group has one per policy it is routed to.
const MAX_OPEN_PER_GROUP = 100;

/**
 * The episodes routing begins and ends, decided where routing is: a firing alert routed to a route
 * with `escalation: NAME` begins the group's episode under that policy (or, one being open, makes
 * this notification its latest, what its steps deliver); a notification in which every alert is
 * resolved ends every open episode of its group. The store makes both idempotent (a notification
 * planned again after a crash begins nothing twice, a resolved episode stays so), so planning may
 * repeat them. Returns the history events of what changed.
 */
export async function planEpisodes(
  notification: Notification,
  byRoute: ReadonlyMap<number, readonly Alert[]>,
  deps: EpisodeDeps,
  now: number,
): Promise<HistoryEvent[]> {
  const policies = deps.policies ?? new Map<string, EscalationPolicy>();
  // Before the shortcut below: an episode begun under a config a reload replaced (its policy, or
  // every route's `escalation:`, gone) still ends when its group resolves.
  if (notification.alerts.every((alert) => alert.status === 'resolved')) return resolveEpisodes(notification, deps, now);
  if (!deps.routes.some((route) => route.escalation !== undefined)) return [];
  const events: HistoryEvent[] = [];
  const begun = new Set<string>();
  for (const [index, alerts] of byRoute) {
    const name = deps.routes[index]?.escalation;
    const policy = name === undefined ? undefined : policies.get(name);
    if (policy === undefined || begun.has(policy.name) || !alerts.some((alert) => alert.status === 'firing')) continue;
    begun.add(policy.name);
    const { incident, opened } = await deps.store.openIncident({
      id: randomUUID(),
      groupKey: notification.groupKey,
      policy: policy.name,
      // Its steps deliver the alerts this route took, as they stand in the group's latest notification.
      notification: { ...notification, alerts: [...alerts] },
      firstStepAt: now + (policy.steps[0]?.after ?? 0),
      now,
    });
    if (!opened) continue;
    deps.metrics.incidentChanges.inc({ state: 'triggered' });
    deps.logger.info('episode began', { incident: incident.id, policy: policy.name, firstStepAt: incident.nextStepAt });
    const fingerprints = alerts.filter((alert) => alert.status === 'firing').map((alert) => alert.fingerprint);
    events.push({ at: now, kind: 'incident-opened', fingerprints, incident: incident.id, policy: policy.name });
  }
  return events;
}

async function resolveEpisodes(notification: Notification, deps: EpisodeDeps, now: number): Promise<HistoryEvent[]> {
  const open = await deps.store.listIncidents({ states: OPEN_STATES, groupKey: notification.groupKey, limit: MAX_OPEN_PER_GROUP });
  const events: HistoryEvent[] = [];
  for (const incident of open) {
    const result = await deps.store.changeIncident(incident.id, { to: 'resolved' }, now);
    // Resolved meanwhile (by hand, or by this notification planned before a crash): nothing more to say.
    if (!result.changed) continue;
    deps.metrics.incidentChanges.inc({ state: 'resolved' });
    deps.logger.info('episode resolved with its group', { incident: incident.id, policy: incident.policy });
    const fingerprints = notification.alerts.map((alert) => alert.fingerprint);
    events.push({ at: now, kind: 'incident-resolved', fingerprints, incident: incident.id, policy: incident.policy });
  }
  return events;
}
