import { buildIncidentHooks } from './build-incident-hooks.js';
import { buildPrometheusClient, policiesOf, routesOf } from './build-pipeline.js';
import { createEnrichBatcher, ENRICH_BATCH_DEFAULTS } from '../pipeline/enrich-batcher.js';
import { buildSlackInteractions } from './build-slack-interactions.js';
import type { Prepared } from './preflight.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { createDestinationLimits, type DestinationLimits } from '../engine/destination-limits.js';
import type { IncidentHookDeps } from '../http/incident-hooks/incident-hook-routes.js';
import type { Action } from '../integrations/action.js';
import type { IncidentControl } from '../integrations/incident-control.js';
import type { SlackInteractionDeps } from '../integrations/slack/slack-interactions-routes.js';
import type { InFlightWork } from '../lib/in-flight-work.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { PipelineContext } from '../pipeline/pipeline.js';
import type { EnricherStep } from '../pipeline/enrich-chain.js';
import type { Route } from '../pipeline/router.js';
import type { DeliveryStore } from '../store/ports/delivery-store.js';
import type { EscalationPolicy } from '../oncall/escalation-policy.js';
import type { ScheduleLookup } from '../oncall/create-on-call-lookup.js';

/**
 * Everything built from one config that a reload swaps whole: the routes, the actions (with their
 * templates), the enrichers, and what is built from them. Each notification, job and click takes
 * the generation in force when it starts, and finishes on it.
 */
export interface ConfigGeneration {
  readonly routes: readonly Route[];
  readonly actions: ReadonlyMap<string, Action>;
  readonly pipeline: PipelineContext;
  readonly limits: DestinationLimits;
  readonly slackInteractions: SlackInteractionDeps;
  /** `escalations:` by name, and who is on call (`schedules:`, `people:`): what the timers loop asks at each step. */
  readonly policies: ReadonlyMap<string, EscalationPolicy>;
  readonly onCall: ScheduleLookup;
  /** The PagerDuty, Opsgenie and Telegram webhooks that acknowledge episodes. */
  readonly incidentHooks: IncidentHookDeps;
  /** Notifications the dispatcher plans at once under this config. */
  readonly plansAtOnce: number;
}

/** What every generation shares: built once at start, never swapped. */
export interface GenerationDeps {
  readonly store: DeliveryStore;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The section in force since start: a reload does not change it. */
  readonly delivery: Config['delivery'];
  readonly shutdownSignal: AbortSignal;
  readonly slackClicks: InFlightWork;
  /** Acknowledges, unacknowledges and resolves episodes (a Slack click's Acknowledge, the platforms' webhooks too). */
  readonly incidentControl: IncidentControl;
}

/**
 * Notifications planned (routed and enriched) at once. With an enricher that enriches a round at
 * once, 32 × `delivery.concurrency`: planning then mostly waits on Prometheus, and the
 * notifications planned at once are enriched together, one query per enricher for all of them (a
 * storm's 1,000 groups cost Prometheus about a hundred queries with 128 at a time, hundreds with
 * 4). Without one, `delivery.concurrency`: more plans at once only make each group commit longer,
 * and the answers that wait for it slower (measured: about 1.4 times fewer 2xx a second).
 */
function plansAtOnceFor(delivery: Config['delivery'], enrichers: readonly EnricherStep[]): number {
  const batching = enrichers.some((step) => typeof step.enricher.enrichBatch === 'function');
  return batching ? delivery.concurrency * 32 : delivery.concurrency;
}

/** The generation of a config that passed preflight (its actions and enrichers built). */
export function assembleGeneration(next: LoadedConfig, { actions, enrichers, onCall }: Prepared, deps: GenerationDeps): ConfigGeneration {
  const { store, logger, metrics, delivery, shutdownSignal } = deps;
  const routes = routesOf(next.config, actions);
  const policies = policiesOf(next.config);
  const plansAtOnce = plansAtOnceFor(delivery, enrichers);
  const pipeline: PipelineContext = {
    routes,
    actions,
    store,
    logger,
    metrics,
    enrichers,
    enrichDeps: {
      prometheus: buildPrometheusClient(next.config, metrics),
      logger,
      metrics,
      batcher: createEnrichBatcher({ ...ENRICH_BATCH_DEFAULTS, maxNotifications: plansAtOnce, logger }),
    },
    dedupWindowMs: delivery.dedup_window,
    retryPolicy: { initialBackoffMs: delivery.initial_backoff, maxBackoffMs: delivery.max_backoff, maxAgeMs: delivery.max_age },
    shutdownSignal,
    messageRefs: store,
    firstPostClaims: store,
    policies,
  };
  const slackInteractions = buildSlackInteractions({
    actions,
    routes,
    store,
    logger,
    metrics,
    clicks: deps.slackClicks,
    shutdownSignal,
    alertmanagerUrl: next.config.alertmanager.url,
    incidentControl: deps.incidentControl,
  });
  const incidentHooks = buildIncidentHooks({ actions, store, control: deps.incidentControl, logger, shutdownSignal });
  return {
    routes,
    actions,
    pipeline,
    limits: createDestinationLimits(store, actions, logger),
    slackInteractions,
    policies,
    onCall,
    incidentHooks,
    plansAtOnce,
  };
}
