import type { Enricher, EnrichmentsByFingerprint, EnrichRequest } from '../enrichers/enricher.js';
import type { PrometheusClient } from '../prometheus/prometheus-client.js';
import { startDeadline } from '../lib/deadline.js';
import type { Logger } from '../observability/logger.js';

/** An enricher that can enrich several notifications at once. */
export type BatchEnricher = Enricher & Required<Pick<Enricher, 'enrichBatch'>>;

export interface EnrichBatcherOptions {
  /** How long the first request of a round waits for others before the round is sent. */
  readonly windowMs: number;
  /** A round holding this many alerts is sent at once, so that no query's selector or answer grows without bound. */
  readonly maxAlerts: number;
  readonly logger: Logger;
}

/** What one notification asks of one enricher. */
export interface BatchSubmission {
  readonly enricher: BatchEnricher;
  readonly request: EnrichRequest;
  readonly prometheus: PrometheusClient | undefined;
  /** The step's budget; the batch gets it from the moment it is sent. */
  readonly timeoutMs: number;
}

export interface EnrichBatcher {
  /** This notification's results from the enricher, asked together with every other asked within the window. */
  enrich(submission: BatchSubmission): Promise<EnrichmentsByFingerprint>;
}

interface Member {
  readonly request: EnrichRequest;
  readonly resolve: (results: EnrichmentsByFingerprint) => void;
  readonly reject: (error: unknown) => void;
}

interface Round {
  readonly byEnricher: Map<BatchEnricher, { members: Member[]; prometheus: PrometheusClient | undefined; timeoutMs: number }>;
  readonly notifications: Set<string>;
  alerts: number;
  timer?: NodeJS.Timeout;
}

export const DEFAULT_ENRICH_BATCH_WINDOW_MS = 5;
export const DEFAULT_ENRICH_BATCH_MAX_ALERTS = 1_000;

/**
 * Groups the enrichment of notifications planned at about the same time (a storm's claimed batch)
 * into rounds: one `enrichBatch` call per enricher per round, whatever the number of notifications.
 * A round is shared by every enricher, so two enrichers that send the same queries (`graph` and
 * `pod-resources`) see the same alerts in the same round and the Prometheus client still answers
 * both with one request. A notification's requests to all its enrichers go into the same round:
 * a full round is sent when the next notification arrives, never between one notification's
 * enrichers. A failed batch fails each of its members, which the chain turns into each one's note.
 */
export function createEnrichBatcher(options: EnrichBatcherOptions): EnrichBatcher {
  let open: Round | undefined;

  function send(round: Round): void {
    if (open === round) open = undefined;
    clearTimeout(round.timer);
    for (const [enricher, { members, prometheus, timeoutMs }] of round.byEnricher) void run(enricher, members, prometheus, timeoutMs);
  }

  async function run(enricher: BatchEnricher, members: readonly Member[], prometheus: PrometheusClient | undefined, timeoutMs: number) {
    const deadline = startDeadline(timeoutMs);
    try {
      const results = await enricher.enrichBatch(
        members.map((member) => member.request),
        {
          prometheus,
          logger: options.logger.child({ enricher: enricher.name, notifications: members.length }),
          deadline: Date.now() + timeoutMs,
          signal: deadline.signal,
        },
      );
      if (results.length !== members.length) {
        throw new Error(`enrichBatch answered ${results.length} results for ${members.length} notifications`);
      }
      members.forEach((member, index) => member.resolve(results[index] as EnrichmentsByFingerprint));
    } catch (error) {
      for (const member of members) member.reject(error);
    } finally {
      // Whatever the enricher left running stops with the batch; each member keeps its own deadline.
      deadline.abort();
    }
  }

  function roundFor(request: EnrichRequest): Round {
    const { id } = request.notification;
    if (open !== undefined && !open.notifications.has(id) && open.alerts >= options.maxAlerts) send(open);
    if (open === undefined) {
      const round: Round = { byEnricher: new Map(), notifications: new Set(), alerts: 0 };
      round.timer = setTimeout(() => send(round), options.windowMs);
      open = round;
    }
    if (!open.notifications.has(id)) {
      open.notifications.add(id);
      open.alerts += request.notification.alerts.length;
    }
    return open;
  }

  return {
    enrich({ enricher, request, prometheus, timeoutMs }) {
      return new Promise<EnrichmentsByFingerprint>((resolve, reject) => {
        const round = roundFor(request);
        let batch = round.byEnricher.get(enricher);
        if (batch === undefined) round.byEnricher.set(enricher, (batch = { members: [], prometheus, timeoutMs }));
        batch.timeoutMs = Math.max(batch.timeoutMs, timeoutMs);
        batch.members.push({ request, resolve, reject });
      });
    },
  };
}
