import type { Logger } from '../observability/logger.js';
import type { Alert, Enrichment, Notification } from '../model/model.js';
import type { PrometheusClient } from '../prometheus/prometheus-client.js';

/**
 * What an enricher gets besides the alerts, when it enriches several notifications at once
 * (`enrichBatch`). Everything it needs is here; enrichers hold no global state.
 */
export interface BatchEnricherContext {
  /** The configured Prometheus; `undefined` when no `PROMETHEUS_URL` / `prometheus.url` is set. */
  readonly prometheus: PrometheusClient | undefined;
  /** A child logger bound to the notification and the enricher. */
  readonly logger: Logger;
  /** Epoch milliseconds by which the enricher must have answered; later answers are dropped. */
  readonly deadline: number;
  /** Aborts at the deadline; pass it to HTTP calls so they stop too. */
  readonly signal: AbortSignal;
}

/** What an enricher gets besides the alerts of one notification. */
export interface EnricherContext extends BatchEnricherContext {
  /** The whole notification, for enrichers that look at the group (receiver, common labels). */
  readonly notification: Notification;
}

/** One notification's share of a batch: the notification, and those of its alerts the enricher applies to. */
export interface EnrichRequest {
  readonly notification: Notification;
  readonly alerts: readonly Alert[];
}

/** Enrichments keyed by alert fingerprint. Alerts the enricher has nothing to say about are left out. */
export type EnrichmentsByFingerprint = ReadonlyMap<string, Enrichment> | Readonly<Record<string, Enrichment>>;

/**
 * An enricher adds context to alerts before actions see them.
 *
 * It receives every alert of a notification at once, so that it can ask Prometheus one query for
 * all pods rather than one per pod. It may throw or run past its deadline: the chain turns that
 * into a note on the alerts ("pod-resources: Prometheus unreachable: ...") and the notification
 * goes on without it.
 *
 * @example
 * export const teamOwner: Enricher = {
 *   name: 'team-owner',
 *   async enrich(alerts) {
 *     return Object.fromEntries(alerts.map((a) => [a.fingerprint,
 *       { fields: [{ label: 'Owner', value: owners[a.labels.namespace ?? ''] ?? 'unknown' }] }]));
 *   },
 * };
 */
export interface Enricher {
  /** Shown in notes and metrics, and the key of its results on each alert. */
  readonly name: string;
  /** Which alerts it can say something about (say, those with `namespace` and `pod`); all when absent. */
  appliesTo?(alert: Alert): boolean;
  enrich(alerts: readonly Alert[], ctx: EnricherContext): Promise<EnrichmentsByFingerprint>;
  /**
   * Optional: enriches the notifications planned together (a storm's claimed batch) at once, one
   * query for all their pods rather than one per notification, and answers one result per request,
   * in the requests' order, each what `enrich` would have answered for it alone. Enrichers without
   * it run one notification at a time. A throw fails every request of the batch (each gets the note).
   */
  enrichBatch?(requests: readonly EnrichRequest[], ctx: BatchEnricherContext): Promise<readonly EnrichmentsByFingerprint[]>;
}

/** How a module named in `enrichers:` provides its enricher: a default export, or a factory. */
export type EnricherFactory = (options: Readonly<Record<string, unknown>>) => Enricher | Promise<Enricher>;
