import type { Action } from '../actions/action.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { enrichNotification, type EnrichChainDeps, type EnricherStep } from '../pipeline/enrich-chain.js';
import type { EnrichedNotification, Notification } from '../pipeline/model.js';
import { routeAlerts, type Route } from '../pipeline/router.js';
import type { NewJob } from './delivery-store.js';

export interface PlanDeps {
  readonly routes: readonly Route[];
  readonly actions: ReadonlyMap<string, Action>;
  readonly enrichers: readonly EnricherStep[];
  readonly enrichDeps: EnrichChainDeps;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

export interface Plan {
  readonly enriched: EnrichedNotification;
  readonly jobs: readonly NewJob[];
}

/**
 * Decides what a notification turns into: routes each alert, drops resolved alerts for actions
 * that do not want them, enriches only the alerts that go somewhere (Prometheus is not asked about
 * alerts nobody will read), and makes one job per action.
 */
export async function planDeliveries(notification: Notification, deps: PlanDeps): Promise<Plan> {
  const { byAction, unrouted } = routeAlerts(notification.alerts, deps.routes);
  if (unrouted.length > 0) {
    deps.metrics.alertsUnrouted.inc(unrouted.length);
    deps.logger.warn('alerts matched no route', { fingerprints: unrouted.map((a) => a.fingerprint) });
  }
  const jobs: NewJob[] = [];
  for (const [name, alerts] of byAction) {
    const action = deps.actions.get(name);
    if (action?.timing === 'before-ack') continue; // ran while the sender waited
    const wanted = action?.sendResolved === false ? alerts.filter((a) => a.status === 'firing') : alerts;
    if (wanted.length > 0) jobs.push({ action: name, fingerprints: wanted.map((a) => a.fingerprint) });
  }
  const delivered = new Set(jobs.flatMap((job) => job.fingerprints));
  const toEnrich = { ...notification, alerts: notification.alerts.filter((a) => delivered.has(a.fingerprint)) };
  const enrichedAlerts = new Map(
    (await enrichNotification(toEnrich, deps.enrichers, deps.enrichDeps)).alerts.map((a) => [a.fingerprint, a]),
  );
  const enriched: EnrichedNotification = {
    ...notification,
    alerts: notification.alerts.map((alert) => enrichedAlerts.get(alert.fingerprint) ?? { ...alert, enrichment: {}, notes: [] }),
  };
  return { enriched, jobs };
}
