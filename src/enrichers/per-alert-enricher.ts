import type { Alert, Enrichment, Notification } from '../model/model.js';
import type { BatchEnricherContext, Enricher, EnrichmentsByFingerprint, EnrichRequest } from './enricher.js';

/** An enricher that asks once for a set of alerts and then describes each alert from the answer alone. */
export interface PerAlertEnricherParts<Fetched> {
  readonly name: string;
  readonly appliesTo?: (alert: Alert) => boolean;
  /** Everything the alerts need from Prometheus, in a fixed number of queries for any number of them. */
  fetch(alerts: readonly Alert[], ctx: BatchEnricherContext): Promise<Fetched>;
  /** One alert's enrichment from the answer (which may hold other alerts' subjects too); `undefined` to say nothing. */
  describe(alert: Alert, fetched: Fetched, notification: Notification): Enrichment | undefined;
}

/**
 * Builds `enrich` and `enrichBatch` from one fetch and one describe, so that a batch cannot say
 * anything else than the same notifications enriched one by one: the fetch for a batch is the
 * fetch for all its alerts (selectors deduplicated and sorted, results matched back by subject),
 * and each alert is described against its own notification as before.
 */
export function perAlertEnricher<Fetched>(parts: PerAlertEnricherParts<Fetched>): Enricher {
  async function enrichBatch(requests: readonly EnrichRequest[], ctx: BatchEnricherContext): Promise<EnrichmentsByFingerprint[]> {
    const fetched = await parts.fetch(
      requests.flatMap((request) => request.alerts),
      ctx,
    );
    return requests.map(({ notification, alerts }) => {
      const results = new Map<string, Enrichment>();
      for (const alert of alerts) {
        const enrichment = parts.describe(alert, fetched, notification);
        if (enrichment !== undefined) results.set(alert.fingerprint, enrichment);
      }
      return results;
    });
  }
  return {
    name: parts.name,
    ...(parts.appliesTo ? { appliesTo: parts.appliesTo } : {}),
    async enrich(alerts, ctx) {
      const [results] = await enrichBatch([{ notification: ctx.notification, alerts }], ctx);
      return results ?? new Map();
    },
    enrichBatch,
  };
}
