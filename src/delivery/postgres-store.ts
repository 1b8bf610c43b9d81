import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { RateLimit } from '../actions/action.js';
import type { EnrichedNotification, Notification } from '../pipeline/model.js';
import {
  QueueFullError,
  type ClaimedJob,
  type DeliveryStore,
  type JobUpdate,
  type NewJob,
  type NotificationRecord,
  type StoreHealth,
} from './delivery-store.js';
import { HeldClaims } from './held-claims.js';
import type { StoreLimits } from './memory-store.js';
import { decodeNotification, encodeNotification } from './notification-codec.js';
import { PostgresConnection, retryThroughOutage, type PostgresConnectionOptions } from './postgres-connection.js';
import { holdDestination, takeTokens } from './postgres-rate-limits.js';
import { toJob, toRecords, type JobRow, type NotificationRow } from './postgres-rows.js';
import { SQL, WORK_CHANNEL } from './postgres-statements.js';
import { StoreUnavailableError } from './store-unavailable-error.js';

export interface PostgresStoreOptions extends StoreLimits, PostgresConnectionOptions {
  /** How long claimed work stays with a replica that stopped renewing it; renewed every third of it. */
  readonly leaseMs: number;
  /** How often the unfinished count and the health are refreshed (default 1 s). */
  readonly refreshMs?: number;
}

const PRUNE_EVERY = 100;

/**
 * The queue shared by several replicas. Claims take rows with `FOR UPDATE SKIP LOCKED` and hold
 * them under a lease the claiming replica renews while it lives; work whose lease ran out (its
 * replica was killed or cut off) is claimed again by any replica. Dedup keys, rate limits and the
 * history are rows every replica reads; a replica that queues work wakes the others with NOTIFY.
 */
export class PostgresStore implements DeliveryStore {
  private readonly db: PostgresConnection;
  /** Names this process in leases, and in its own NOTIFYs (which it ignores). */
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly workListeners: Array<() => void> = [];
  private unfinished = 0;
  private finishedSincePrune = 0;
  private dedupClaimsSincePrune = 0;
  private readonly started: Promise<void>;
  /** What this replica claimed and is working on, and since when: the leases it renews. */
  private readonly planning = new HeldClaims();
  private readonly attempting = new HeldClaims();

  constructor(private readonly options: PostgresStoreOptions) {
    this.db = new PostgresConnection(options);
    this.db.listen(WORK_CHANNEL, (payload) => {
      if (payload !== this.owner) for (const listener of this.workListeners) listener();
    });
    const every = (ms: number, task: () => Promise<void>): void => {
      const timer = setInterval(() => void task().catch(() => undefined), ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(options.refreshMs ?? 1_000, () => this.refresh());
    every(Math.max(100, Math.floor(options.leaseMs / 3)), () => this.renewLeases());
    every(10_000, () => this.sweep());
    this.started = this.db.ready.then(() => this.refresh());
    this.started.catch(() => undefined);
  }

  /** Resolves once the server was reached and the schema is current (tests; the service does not wait). */
  ready(): Promise<void> {
    return this.started;
  }

  async add(notification: Notification): Promise<void> {
    if (!this.db.isReady()) throw new StoreUnavailableError(reasonOf(this.db.health()));
    if (this.unfinished >= this.options.maxPending) throw new QueueFullError(this.options.maxPending, 5);
    try {
      await this.db.query(SQL.add, [notification.id, notification.receivedAt.getTime(), notification.originalBody, encodeNotification(notification), this.owner]);
    } catch (error) {
      throw new StoreUnavailableError(error instanceof Error ? error.message : String(error), 5, { cause: error });
    }
    this.unfinished++;
  }

  async claimNotifications(limit: number): Promise<Notification[]> {
    if (!this.db.isReady()) return [];
    const rows = await this.db.query<{ id: string; seq: number; original: string; body: string }>(SQL.claimNotifications, [this.owner, this.options.leaseMs, limit]);
    this.planning.hold(rows.map((row) => row.id));
    return rows.sort((a, b) => a.seq - b.seq).map((row) => decodeNotification<Notification>(row.body, row.original));
  }

  async saveRouted(enriched: EnrichedNotification, jobs: readonly NewJob[]): Promise<void> {
    const [row] = await this.persist(
      () => this.db.query<{ routed: number; jobs: number }>(SQL.saveRouted, [enriched.id, encodeNotification(enriched), Date.now(), JSON.stringify(jobs), this.owner]),
      () => this.planning.settle(enriched.id),
    );
    if (row?.routed === 1 && row.jobs === 0) await this.finishIfDone(enriched.id);
  }

  async recordBeforeAck(notificationId: string, job: NewJob, update: JobUpdate): Promise<void> {
    const state = update.state === 'succeeded' ? 'succeeded' : 'failed';
    const result = update.result === undefined ? null : JSON.stringify(update.result);
    await this.persist(() =>
      this.db.query(SQL.recordBeforeAck, [`${notificationId}:${job.action}`, notificationId, job.action, JSON.stringify(job.fingerprints), state, update.attempt.at, JSON.stringify([update.attempt]), result]),
    );
  }

  async claimDueJobs(now: number, limit: number): Promise<ClaimedJob[]> {
    if (!this.db.isReady()) return [];
    const rows = await this.db.query<JobRow & { body: string; original: string }>(SQL.claimDueJobs, [this.owner, this.options.leaseMs, now, limit]);
    const notifications = new Map<string, EnrichedNotification>();
    this.attempting.hold(rows.map((row) => row.id));
    return rows.map((row) => {
      let notification = notifications.get(row.notification_id);
      if (notification === undefined) {
        notification = decodeNotification<EnrichedNotification>(row.body, row.original);
        notifications.set(row.notification_id, notification);
      }
      return { job: toJob(row), notification };
    });
  }

  async nextDueAt(): Promise<number | undefined> {
    if (!this.db.isReady()) return undefined;
    const [row] = await this.db.query<{ due: number | null }>(SQL.nextDue);
    return row?.due ?? undefined;
  }

  async releaseJob(jobId: string, nextAttemptAt: number): Promise<void> {
    await this.persist(
      () => this.db.query(SQL.releaseJob, [jobId, nextAttemptAt]),
      () => this.attempting.settle(jobId),
    );
  }

  async finishAttempt(jobId: string, update: JobUpdate): Promise<void> {
    const result = update.result === undefined ? null : JSON.stringify(update.result);
    const [row] = await this.persist(
      () => this.db.query<{ notification_id: string }>(SQL.finishAttempt, [jobId, update.state, update.nextAttemptAt ?? null, JSON.stringify(update.attempt), result]),
      () => this.attempting.settle(jobId),
    );
    if (row !== undefined && update.state !== 'pending') await this.finishIfDone(row.notification_id);
  }

  /**
   * Nothing to do at start: what a replica was working on when it died (this one, before a
   * restart, included) is taken over by whichever replica claims next once its lease has run out.
   */
  async recover(): Promise<{ notifications: number; jobs: number }> {
    return { notifications: 0, jobs: 0 };
  }

  async claimDedupKeys(notificationId: string, keys: readonly string[], now: number, windowMs: number): Promise<Set<string>> {
    if (++this.dedupClaimsSincePrune >= PRUNE_EVERY) {
      this.dedupClaimsSincePrune = 0;
      await this.db.query(SQL.pruneDedup, [now]);
    }
    const unique = [...new Set(keys)];
    // Retried through an outage like the writes below: claiming again for the same notification
    // changes nothing, and a plan that failed here would leave its notification claimed.
    const rows = await this.persist(() => this.db.query<{ key: string }>(SQL.claimDedupKeys, [notificationId, unique, now, windowMs]));
    const claimed = new Set(rows.map((r) => r.key));
    return new Set(unique.filter((key) => !claimed.has(key)));
  }

  /**
   * From a count refreshed every second and kept current between refreshes with this replica's
   * own adds and finishes. Other replicas' changes show up at the next refresh, so all of them
   * together may overshoot `max_pending` by what they accept within a second: the limit is
   * back-pressure, not an invariant, and a count query on every request would cost a round trip
   * on the path to the 2xx.
   */
  unfinishedCount(): number {
    return this.unfinished;
  }

  // `now` is each replica's own clock; the shared buckets run on the database's.
  rateDelay(limit: RateLimit, alerts: number, _now: number): Promise<number> {
    return takeTokens(this.db, limit, alerts);
  }

  holdDestination(key: string, ms: number, _now: number): Promise<void> {
    return holdDestination(this.db, key, ms);
  }

  health(): StoreHealth {
    return this.db.health();
  }

  onWork(listener: () => void): void {
    this.workListeners.push(listener);
  }

  async listNotifications(limit: number): Promise<NotificationRecord[]> {
    return toRecords(this.db, await this.db.query<NotificationRow>(SQL.recentNotifications, [limit]));
  }

  async getNotification(id: string): Promise<NotificationRecord | undefined> {
    const [record] = await toRecords(this.db, await this.db.query<NotificationRow>(SQL.oneNotification, [id]));
    return record;
  }

  async close(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await this.db.close();
  }

  /** A delivering notification whose jobs have all ended is done; its slot in the queue frees up. */
  private async finishIfDone(id: string): Promise<void> {
    const done = await this.persist(() => this.db.query(SQL.markDone, [id]));
    if (done.length === 0) return;
    this.unfinished = Math.max(0, this.unfinished - 1);
    if (++this.finishedSincePrune >= PRUNE_EVERY) {
      this.finishedSincePrune = 0;
      await this.db.query(SQL.pruneHistory, [this.options.historyLimit]);
    }
  }

  private persist<T>(write: () => Promise<T>, settled?: () => void): Promise<T> {
    return retryThroughOutage(write, this.options.leaseMs, settled);
  }

  private async refresh(): Promise<void> {
    if (!this.db.isReady()) return;
    try {
      const [row] = await this.db.query<{ n: number }>(SQL.countUnfinished);
      this.unfinished = row?.n ?? 0;
      this.db.markUp();
    } catch (error) {
      this.db.markDown(error);
    }
  }

  private async renewLeases(): Promise<void> {
    if (!this.db.isReady()) return;
    const planning = this.planning.current();
    const attempting = this.attempting.current();
    if (planning.length > 0) await this.db.query(SQL.renewNotificationLeases, [this.owner, this.options.leaseMs, planning]);
    if (attempting.length > 0) await this.db.query(SQL.renewJobLeases, [this.owner, this.options.leaseMs, attempting]);
  }

  private async sweep(): Promise<void> {
    if (!this.db.isReady()) return;
    await this.db.query(SQL.markAllDone);
    await this.db.query(SQL.pruneHistory, [this.options.historyLimit]);
  }
}

function reasonOf(health: StoreHealth): string {
  return health.ok ? 'PostgreSQL not ready' : health.reason;
}
