import type { DedupStore } from './dedup.js';
import type { FirstPostClaimStore } from './first-post-claims.js';
import type { EscalationTimerStore } from './escalation-timers.js';
import type { HistoryStore } from './history.js';
import type { IncidentStore } from './incidents.js';
import type { MessageRefStore } from './message-refs.js';
import type { QueueStore } from './queue.js';
import type { RateLimitStore } from './rate-limits.js';

/**
 * The whole store an adapter provides, made of small ports (queue, history, dedup, rate limits,
 * message references, first-post claims), of which each consumer takes what it needs. Adapters: memory (memory-store.ts), SQLite, and PostgreSQL (shared by
 * replicas). test/contract/delivery-store.contract.ts holds every adapter to the same behaviour.
 *
 * Failures: an adapter throws `StoreUnavailableError` with `lasting: true` for what no retry will
 * cure (a corrupt database, a file replaced under it); any other error is taken as passing (a full
 * disk, a lost connection). `guardStore` (guarded-store.ts) wraps every adapter: it counts errors,
 * keeps the store's health for readiness, and turns every failure into a `StoreUnavailableError`,
 * so ingest answers 503 with `Retry-After` rather than 200 or 500.
 */
export interface DeliveryStore
  extends QueueStore, HistoryStore, DedupStore, RateLimitStore, MessageRefStore, FirstPostClaimStore, IncidentStore, EscalationTimerStore {
  /**
   * For a store whose server can fail between calls (PostgreSQL): `report` hears of each failure
   * met outside any call (a server not reached yet, a connection lost while idle, a background
   * check), and at once of one that holds already; `undefined` when a background check works
   * again. The guard takes a failure as it takes a failed call, so readiness fails before a
   * request meets it, and takes `undefined` as the moment to probe (its probe write still decides).
   * Stores inside the process have nothing to report and leave it out.
   */
  watchFailures?(report: (error: Error | undefined) => void): void;
  /**
   * Writes about 64 KiB that must reach storage, the size of a large notification (and nothing
   * anyone reads). While the store is unhealthy, the guard calls it now and then to learn when it
   * could keep a notification again.
   */
  probeWrite(): Promise<void>;
  close(): Promise<void>;
}

/** How much a store keeps: what `delivery.max_pending` and `delivery.history_limit` set. */
export interface StoreLimits {
  /** Unfinished notifications accepted before `add` refuses. */
  readonly maxPending: number;
  /** Finished notifications kept for the history. */
  readonly historyLimit: number;
}
