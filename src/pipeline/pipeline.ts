import type { Action } from '../integrations/action.js';
import type { MessageRefStore } from '../store/ports/message-refs.js';
import type { FirstPostClaimStore } from '../store/ports/first-post-claims.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { EnrichChainDeps, EnricherStep } from './enrich-chain.js';
import type { Route } from './router.js';
import type { DeliveryStore } from '../store/ports/delivery-store.js';
import type { RetryPolicy } from './retry-policy.js';
import type { EscalationPolicy } from '../oncall/escalation-policy.js';

/**
 * The stages a stored notification goes through, in order, and where each one lives (an
 * escalation step's notification skips route, filter and dedup: it goes to the step's actions):
 *
 * | stage  | what it does                                                          | where                      |
 * | ------ | --------------------------------------------------------------------- | -------------------------- |
 * | route  | each alert on its own labels and status, to the actions of its routes | pipeline/route-shares.ts   |
 * | escalate | episodes begun by routes naming a policy, ended when the group resolves | pipeline/escalation/plan-episodes.ts |
 * | filter | resolved alerts only to actions that take them (`send_resolved`)      | pipeline/route-shares.ts   |
 * | dedup  | alerts (for commands, whole copies) already acted on in the window    | delivery/plan-deliveries.ts |
 * | enrich | only the alerts that go somewhere; notifications planned together in rounds | delivery/plan-deliveries.ts, enrich-batcher.ts |
 * | jobs   | one per action, with its share of the alerts                          | delivery/plan-deliveries.ts |
 * | act    | an attempt of a job, within its deadline; what becomes of the job     | delivery/run-job.ts         |
 * | record | the outcome and what was decided, kept in the store                   | the store (dispatcher)      |
 *
 * Two paths run them. The queue, after the sender has its answer: route, filter, dedup, enrich,
 * jobs (planDeliveries), then act and record for each job as it falls due (the dispatcher). The
 * `before-ack` actions, while the sender waits (prometheus-am-executor's `notify_on_failure`):
 * route, filter, act and record (runBeforeAck); no dedup (a retry after their 500 cannot be told
 * from a copy) and no enrichment (the sender is waiting). Both take this one context.
 */
export interface PipelineContext {
  readonly routes: readonly Route[];
  readonly actions: ReadonlyMap<string, Action>;
  /** Keeps dedup keys, outcomes, message references. */
  readonly store: DeliveryStore;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly enrichers: readonly EnricherStep[];
  readonly enrichDeps: EnrichChainDeps;
  /** 0 turns deduplication off. */
  readonly dedupWindowMs: number;
  /** How a failed attempt is retried from the queue; `never` for actions that ran while the sender waited. */
  readonly retryPolicy: RetryPolicy | 'never';
  /** Aborts every running attempt (shutdown after the grace period). */
  readonly shutdownSignal: AbortSignal;
  /** Caps every action's own timeout (a sender waiting for the answer cannot wait longer). */
  readonly maxTimeoutMs?: number;
  /** Handed to actions that edit what they posted. */
  readonly messageRefs?: MessageRefStore;
  /** Handed to actions that post a group's first message and edit or follow it later. */
  readonly firstPostClaims?: FirstPostClaimStore;
  /** The config's `escalations:`, by name: routes that name one begin and end episodes under it. */
  readonly policies?: ReadonlyMap<string, EscalationPolicy>;
}

/** The same context for one notification: its lines logged with its id and group. */
export function forNotification<C extends Pick<PipelineContext, 'logger' | 'enrichDeps'>>(
  context: C,
  notification: { id: string; groupKey: string },
): C {
  const logger = context.logger.child({ notification: notification.id, groupKey: notification.groupKey });
  return { ...context, logger, enrichDeps: { ...context.enrichDeps, logger } };
}
