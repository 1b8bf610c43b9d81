import type { DeliveryStore } from '../../src/store/ports/delivery-store.js';
import type { Incident } from '../../src/store/ports/incidents.js';
import { alertWith, notificationOf } from './alerts.js';

/**
 * Begins an episode of `alertname`'s group under `policy` in the store, as the escalation's
 * planning does, and runs its first step as the timers loop does: `notified` were paged and the
 * next step falls due `nextInMs` from now. The tests of the surfaces that read and move episodes
 * (the API, the console) start from here.
 */
export async function seedEpisode(
  store: DeliveryStore,
  options: { alertname: string; policy?: string; notified?: readonly string[]; nextInMs?: number },
): Promise<Incident> {
  const { alertname, policy = 'page-critical', notified = ['alice'], nextInMs = 5 * 60_000 } = options;
  const now = Date.now();
  const notification = notificationOf([alertWith({ alertname, severity: 'critical' })], `${alertname}-n1`);
  await store.add(notification);
  const { incident } = await store.openIncident({
    id: `${alertname}-e1`,
    groupKey: notification.groupKey,
    policy,
    notification,
    firstStepAt: now,
    now,
  });
  const fired = await store.fireStep({
    incidentId: incident.id,
    step: 0,
    run: { step: 0, at: now, actions: ['slack-alerts'], notified },
    notification: { ...notification, id: `${alertname}-step-0` },
    nextStepAt: now + nextInMs,
  });
  if (!fired) throw new Error(`step 0 of ${incident.id} did not fire`);
  return (await store.getIncident(incident.id)) as Incident;
}
