import type { Enricher, EnrichmentsByFingerprint } from '../enrichers/enricher.js';
import type { PrometheusClient } from '../prometheus/prometheus-client.js';
import { startDeadline } from '../lib/deadline.js';
import type { BatchEnricher, EnrichBatcher } from './enrich-batcher.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Alert, EnrichedAlert, EnrichedNotification, Enrichment, Notification } from '../model/model.js';

/** An enricher with the time it may take for one notification. */
export interface EnricherStep {
  readonly enricher: Enricher;
  readonly timeoutMs: number;
}

export interface EnrichChainDeps {
  readonly prometheus: PrometheusClient | undefined;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Enriches notifications planned together at once, for the enrichers that can (`enrichBatch`); one by one without it. */
  readonly batcher?: EnrichBatcher;
}

/**
 * Runs every enricher over the notification, side by side, each within its own time budget, so
 * the whole chain takes as long as its slowest member and never longer than the largest budget.
 * A failure or a timeout becomes a note on the alerts it concerned; it never stops the notification.
 * Results appear on each alert in the order the enrichers are configured.
 */
export async function enrichNotification(
  notification: Notification,
  steps: readonly EnricherStep[],
  deps: EnrichChainDeps,
): Promise<EnrichedNotification> {
  const outcomes = await Promise.all(steps.map((step) => runStep(notification, step, deps)));
  const alerts: EnrichedAlert[] = notification.alerts.map((alert) => {
    const enrichment: Record<string, Enrichment> = {};
    const notes: string[] = alert.notes ? [...alert.notes] : [];
    for (const outcome of outcomes) {
      if (!outcome.applied.has(alert.fingerprint)) continue;
      if (outcome.failure !== undefined) {
        notes.push(`${outcome.name}: ${outcome.failure}`);
        continue;
      }
      const found = lookup(outcome.results, alert.fingerprint);
      if (found === undefined) continue;
      enrichment[outcome.name] = found;
      for (const note of found.notes ?? []) notes.push(`${outcome.name}: ${note}`);
    }
    return { ...alert, enrichment, notes };
  });
  return { ...notification, alerts };
}

interface StepOutcome {
  readonly name: string;
  /** Fingerprints of the alerts the enricher was asked about. */
  readonly applied: ReadonlySet<string>;
  readonly results?: EnrichmentsByFingerprint;
  readonly failure?: string;
}

async function runStep(notification: Notification, step: EnricherStep, deps: EnrichChainDeps): Promise<StepOutcome> {
  const { enricher, timeoutMs } = step;
  const alerts = notification.alerts.filter((alert: Alert) => enricher.appliesTo?.(alert) ?? true);
  const applied = new Set(alerts.map((alert) => alert.fingerprint));
  if (alerts.length === 0) return { name: enricher.name, applied };

  const logger = deps.logger.child({ enricher: enricher.name });
  const started = performance.now();
  const deadline = startDeadline(timeoutMs, { reason: () => new EnricherTimeoutError(timeoutMs) });
  const timeout = new Promise<never>((_, reject) => {
    deadline.signal.addEventListener('abort', () => reject(deadline.signal.reason), { once: true });
  });
  try {
    const results = await Promise.race([
      deps.batcher !== undefined && canBatch(enricher)
        ? deps.batcher.enrich({ enricher, request: { notification, alerts }, prometheus: deps.prometheus, timeoutMs })
        : enricher.enrich(alerts, {
            prometheus: deps.prometheus,
            logger,
            deadline: Date.now() + timeoutMs,
            signal: deadline.signal,
            notification,
          }),
      timeout,
    ]);
    return { name: enricher.name, applied, results };
  } catch (error) {
    const reason = error instanceof EnricherTimeoutError ? 'timeout' : 'error';
    const message = error instanceof Error ? error.message : String(error);
    deps.metrics.enrichmentErrors.inc({ enricher: enricher.name, reason });
    logger.warn('enricher failed', { reason, error: message });
    return { name: enricher.name, applied, failure: message };
  } finally {
    // Whatever the enricher left running (a query it did not await) stops with the step.
    deadline.abort();
    deps.metrics.enrichmentDuration.observe({ enricher: enricher.name }, (performance.now() - started) / 1000);
  }
}

const canBatch = (enricher: Enricher): enricher is BatchEnricher => typeof enricher.enrichBatch === 'function';

class EnricherTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'EnricherTimeoutError';
  }
}

function lookup(results: EnrichmentsByFingerprint | undefined, fingerprint: string): Enrichment | undefined {
  if (results === undefined) return undefined;
  if (results instanceof Map) return results.get(fingerprint);
  return Object.hasOwn(results, fingerprint) ? (results as Record<string, Enrichment>)[fingerprint] : undefined;
}
