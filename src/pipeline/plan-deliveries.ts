import { enrichNotification } from './enrich-chain.js';
import type { EnrichedNotification, Notification } from '../model/model.js';
import { routeShares } from './route-shares.js';
import { describeRoute } from './router.js';
import type { HistoryEvent, NewJob } from '../store/ports/records.js';
import type { PipelineContext } from './pipeline.js';
import { unenrichedAlert } from '../model/unenriched.js';
import { planEpisodes } from './escalation/plan-episodes.js';
import { stepJobs } from './escalation/step-jobs.js';

const MAX_ROUTES_NAMED = 20;

/** What planning uses of the pipeline's context. */
export type PlanDeps = Pick<
  PipelineContext,
  'routes' | 'actions' | 'enrichers' | 'enrichDeps' | 'metrics' | 'logger' | 'store' | 'dedupWindowMs' | 'policies'
>;

export interface Plan {
  readonly enriched: EnrichedNotification;
  readonly jobs: readonly NewJob[];
  /** What routing and dedup decided, for the history: each route's alerts, the unrouted, the duplicates. */
  readonly events?: readonly HistoryEvent[];
}

/**
 * The queue's stages up to the jobs (see pipeline.ts): **route** and **filter** each alert,
 * **dedup** what the same action already acted on, **enrich** only the alerts that go somewhere
 * (Prometheus is not asked about alerts nobody will read), and make one **job** per action.
 * Actions that ran while the sender waited (`before-ack`) are not planned again.
 */
export async function planDeliveries(notification: Notification, deps: PlanDeps): Promise<Plan> {
  if (notification.escalation !== undefined) {
    const step = stepJobs(notification, notification.escalation, deps);
    return { enriched: await enrichOnly(notification, step.jobs, deps), jobs: step.jobs, events: step.events };
  }
  const { shares, unrouted, byRoute } = routeShares(notification.alerts, deps.routes, deps.actions, 'after-ack');
  const now = Date.now();
  const events: HistoryEvent[] = [...byRoute].map(([index, alerts]) => {
    const route = deps.routes[index];
    return {
      at: now,
      kind: 'routed',
      fingerprints: alerts.map((a) => a.fingerprint),
      route: { index, description: describeRoute(route), actions: route?.actions ?? [] },
    };
  });
  if (unrouted.length > 0) {
    // The routes tried, for "why was nobody paged?"; a config of hundreds of routes is named in part.
    const tried = deps.routes.slice(0, MAX_ROUTES_NAMED).map((route, index) => `route ${index}: ${describeRoute(route)}`);
    if (deps.routes.length > MAX_ROUTES_NAMED) tried.push(`and ${deps.routes.length - MAX_ROUTES_NAMED} more`);
    events.push({ at: now, kind: 'unrouted', fingerprints: unrouted.map((a) => a.fingerprint), tried });
    deps.metrics.alertsUnrouted.inc(unrouted.length);
    deps.logger.warn('alerts matched no route', { fingerprints: unrouted.map((a) => a.fingerprint) });
  }
  const candidates: NewJob[] = [...shares].map(([action, alerts]) => ({ action, fingerprints: alerts.map((a) => a.fingerprint) }));
  const jobs = await dropDuplicates(notification, candidates, deps);
  for (const candidate of candidates) {
    const kept = new Set(jobs.find((job) => job.action === candidate.action)?.fingerprints ?? []);
    const dropped = candidate.fingerprints.filter((fp) => !kept.has(fp));
    if (dropped.length > 0) events.push({ at: now, kind: 'deduplicated', action: candidate.action, fingerprints: dropped });
  }
  events.push(...(await planEpisodes(notification, byRoute, deps, now)));
  return { enriched: await enrichOnly(notification, jobs, deps), jobs, events };
}

/** The notification with only the alerts that go somewhere enriched: Prometheus is not asked about the rest. */
async function enrichOnly(notification: Notification, jobs: readonly NewJob[], deps: PlanDeps): Promise<EnrichedNotification> {
  const delivered = new Set(jobs.flatMap((job) => job.fingerprints));
  const toEnrich = { ...notification, alerts: notification.alerts.filter((a) => delivered.has(a.fingerprint)) };
  const enrichedAlerts = new Map(
    (await enrichNotification(toEnrich, deps.enrichers, deps.enrichDeps)).alerts.map((a) => [a.fingerprint, a]),
  );
  return {
    ...notification,
    alerts: notification.alerts.map((alert) => enrichedAlerts.get(alert.fingerprint) ?? unenrichedAlert(alert)),
  };
}

/**
 * The same alert in the same state (status and startsAt, and endsAt once resolved) reaching the
 * same action again within the window is a duplicate: an Alertmanager retry, the other half of an
 * HA pair, or Prometheus resending what still fires. A firing alert's endsAt is left out of the
 * key because Prometheus moves it forward with every resend. Actions that act on the group as a
 * whole (commands) are deduplicated whole instead: see `dropGroupCopies`.
 */
async function dropDuplicates(notification: Notification, jobs: readonly NewJob[], deps: PlanDeps): Promise<NewJob[]> {
  const groupJobs = jobs.filter((job) => deps.actions.get(job.action)?.dedup?.scope === 'group');
  const alertJobs = jobs.filter((job) => !groupJobs.includes(job));
  const kept = [...(await dropGroupCopies(notification, groupJobs, deps)), ...(await dropAlertDuplicates(notification, alertJobs, deps))];
  // One job per action: keep the planned order.
  const byAction = new Map(kept.map((job) => [job.action, job]));
  return jobs.flatMap((job) => byAction.get(job.action) ?? []);
}

async function dropAlertDuplicates(notification: Notification, jobs: readonly NewJob[], deps: PlanDeps): Promise<NewJob[]> {
  if (deps.dedupWindowMs <= 0 || jobs.length === 0) return [...jobs];
  const alerts = new Map(notification.alerts.map((a) => [a.fingerprint, a]));
  const keyOf = (action: string, fingerprint: string): string => `${action}|${stateKey(alerts.get(fingerprint), fingerprint)}`;
  const keys = jobs.flatMap((job) => job.fingerprints.map((fp) => keyOf(job.action, fp)));
  const duplicates = await deps.store.claimDedupKeys(notification.id, keys, Date.now(), deps.dedupWindowMs);
  if (duplicates.size === 0) return [...jobs];
  deps.metrics.alertsDeduplicated.inc(duplicates.size);
  deps.logger.info('duplicate alerts skipped', { duplicates: duplicates.size });
  return jobs
    .map((job) => ({ ...job, fingerprints: job.fingerprints.filter((fp) => !duplicates.has(keyOf(job.action, fp))) }))
    .filter((job) => job.fingerprints.length > 0);
}

/**
 * A command sees the group as prometheus-am-executor gave it: every alert, those acted on before
 * included (its scripts loop over AMX_ALERT_LEN). It runs again for every new notification, an
 * Alertmanager repeat included, as there; only a copy of one it already took, the same group with
 * the same alerts in the same states within the action's own window (an HA pair's second copy,
 * Prometheus resending), is dropped, whole.
 */
async function dropGroupCopies(notification: Notification, jobs: readonly NewJob[], deps: PlanDeps): Promise<NewJob[]> {
  const alerts = new Map(notification.alerts.map((a) => [a.fingerprint, a]));
  const kept: NewJob[] = [];
  for (const job of jobs) {
    const windowMs = deps.actions.get(job.action)?.dedup?.windowMs ?? 0;
    if (windowMs <= 0) {
      kept.push(job);
      continue;
    }
    const states = job.fingerprints.map((fp) => stateKey(alerts.get(fp), fp)).sort();
    const key = [job.action, 'group', notification.receiver, notification.groupKey, ...states].join('|');
    const duplicates = await deps.store.claimDedupKeys(notification.id, [key], Date.now(), windowMs);
    if (duplicates.size === 0) {
      kept.push(job);
      continue;
    }
    deps.metrics.alertsDeduplicated.inc(job.fingerprints.length);
    deps.logger.info('copy of a notification already taken; command not run again', {
      action: job.action,
      alerts: job.fingerprints.length,
    });
  }
  return kept;
}

// Times as epoch milliseconds: two toISOString() per alert were the planner's largest cost in a
// storm. (Keys stored by an older version differ; an alert repeated across an upgrade within the
// window is delivered once more, never lost.)
function stateKey(alert: Notification['alerts'][number] | undefined, fingerprint: string): string {
  const ended = alert?.status === 'resolved' ? (alert.endsAt?.getTime() ?? '') : '';
  return `${fingerprint}|${alert?.status}|${alert?.startsAt.getTime()}|${ended}`;
}
