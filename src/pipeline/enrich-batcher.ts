import type { Enricher, EnrichmentsByFingerprint, EnrichRequest } from '../enrichers/enricher.js';
import type { PrometheusClient } from '../prometheus/prometheus-client.js';
import { startDeadline } from '../lib/deadline.js';
import type { Logger } from '../observability/logger.js';

/** An enricher that can enrich several notifications at once. */
export type BatchEnricher = Enricher & Required<Pick<Enricher, 'enrichBatch'>>;

export interface EnrichBatcherOptions {
  /** How long the first request of a round waits for others before the round is sent. */
  readonly windowMs: number;
  /**
   * The least time between two rounds: a round opened sooner after the last one waits for it,
   * gathering what arrives meanwhile, so that a storm costs Prometheus a bounded rate of queries
   * (the enrichers' queries a round, this many rounds a second at most) whatever its size.
   */
  readonly minIntervalMs: number;
  /** A round holding this many alerts is sent at once, so that no query's selector or answer grows without bound. */
  readonly maxAlerts: number;
  /** A round of this many notifications is sent at once: the dispatcher plans no more at a time. */
  readonly maxNotifications: number;
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
  sent: boolean;
  /** performance.now() when its first notification joined. */
  readonly openedAt: number;
  timer?: NodeJS.Timeout;
}

export const ENRICH_BATCH_DEFAULTS = { windowMs: 5, minIntervalMs: 250, maxAlerts: 2_000 } as const;

/**
 * Groups the enrichment of notifications planned at about the same time (a storm's claimed batch)
 * into rounds: one `enrichBatch` call per enricher per round, whatever the number of notifications.
 * A round is shared by every enricher, so two enrichers that send the same queries (`graph` and
 * `pod-resources`) see the same alerts in the same round and the Prometheus client still answers
 * both with one request. A notification's requests to all its enrichers go into the same round:
 * a full round is sent in the next turn of the event loop (or when the next notification arrives),
 * never between one notification's enrichers. A round not full is sent after the window, or after
 * the interval since the last round. A failed batch fails each of its members, which the chain
 * turns into each one's note.
 */
export function createEnrichBatcher(options: EnrichBatcherOptions): EnrichBatcher {
  let open: Round | undefined;
  let lastSentAt = Number.NEGATIVE_INFINITY;

  function send(round: Round): void {
    if (round.sent) return;
    round.sent = true;
    lastSentAt = performance.now();
    if (open === round) open = undefined;
    clearTimeout(round.timer);
    // A storm's timeline (debug level): how full each round went, and how long it gathered.
    options.logger.debug('enrichment round sent', {
      notifications: round.notifications.size,
      alerts: round.alerts,
      gatheredMs: Math.round(lastSentAt - round.openedAt),
    });
    for (const [enricher, { members, prometheus, timeoutMs }] of round.byEnricher) void run(enricher, members, prometheus, timeoutMs);
  }

  async function run(enricher: BatchEnricher, members: readonly Member[], prometheus: PrometheusClient | undefined, timeoutMs: number) {
    const deadline = startDeadline(timeoutMs);
    const started = performance.now();
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
      options.logger.debug('enrichment round answered', {
        enricher: enricher.name,
        notifications: members.length,
        durationMs: Math.round(performance.now() - started),
      });
      members.forEach((member, index) => member.resolve(results[index] as EnrichmentsByFingerprint));
    } catch (error) {
      for (const member of members) member.reject(error);
    } finally {
      // Whatever the enricher left running stops with the batch; each member keeps its own deadline.
      deadline.abort();
    }
  }

  const isFull = (round: Round): boolean => round.alerts >= options.maxAlerts || round.notifications.size >= options.maxNotifications;

  function roundFor(request: EnrichRequest): Round {
    const { id } = request.notification;
    if (open !== undefined && !open.notifications.has(id) && isFull(open)) send(open);
    if (open === undefined) {
      const round: Round = { byEnricher: new Map(), notifications: new Set(), alerts: 0, sent: false, openedAt: performance.now() };
      const wait = Math.max(options.windowMs, lastSentAt + options.minIntervalMs - performance.now());
      round.timer = setTimeout(() => send(round), wait);
      open = round;
    }
    const round = open;
    if (!round.notifications.has(id)) {
      round.notifications.add(id);
      round.alerts += request.notification.alerts.length;
      // Full: sent once this notification's other enrichers (asked in this same turn) have joined.
      if (isFull(round)) setImmediate(() => send(round));
    }
    return round;
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
