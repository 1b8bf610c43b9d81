import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { RateLimit } from '../actions/action.js';
import type { EnrichedNotification, Notification } from '../pipeline/model.js';
import {
  QueueFullError,
  type AttemptRecord,
  type ClaimedJob,
  type DeliveryStore,
  type Job,
  type JobState,
  type JobUpdate,
  type NewJob,
  type NotificationRecord,
  type NotificationState,
  type StoreHealth,
} from './delivery-store.js';
import type { StoreLimits } from './memory-store.js';
import { decodeNotification, encodeNotification } from './notification-codec.js';
import { PostgresConnection, isConnectionError, type PostgresConnectionOptions } from './postgres-connection.js';
import { HOLD_DESTINATION, SQL, TAKE_TOKENS, WORK_CHANNEL } from './postgres-statements.js';
import { StoreUnavailableError } from './store-unavailable-error.js';

export interface PostgresStoreOptions extends StoreLimits, PostgresConnectionOptions {
  /** How long claimed work stays with a replica that stopped renewing it; renewed every third of it. */
  readonly leaseMs: number;
  /** How often the unfinished count and the health are refreshed (default 1 s). */
  readonly refreshMs?: number;
}

interface JobRow {
  id: string;
  notification_id: string;
  action: string;
  fingerprints: string[];
  state: JobState;
  created_at: number;
  next_attempt_at: number;
  attempts: AttemptRecord[];
  result: Record<string, unknown> | null;
}

interface NotificationRow {
  id: string;
  state: NotificationState;
  received_at: number;
  body: string;
  original: string;
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
  private readonly planning = new Map<string, number>();
  private readonly attempting = new Map<string, number>();

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
    for (const row of rows) this.planning.set(row.id, Date.now());
    return rows.sort((a, b) => a.seq - b.seq).map((row) => decodeNotification<Notification>(row.body, row.original));
  }

  async saveRouted(enriched: EnrichedNotification, jobs: readonly NewJob[]): Promise<void> {
    const [row] = await this.persist(
      () => this.db.query<{ routed: number; jobs: number }>(SQL.saveRouted, [enriched.id, encodeNotification(enriched), Date.now(), JSON.stringify(jobs), this.owner]),
      () => this.planning.delete(enriched.id),
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
    for (const row of rows) this.attempting.set(row.id, Date.now());
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
      () => this.attempting.delete(jobId),
    );
  }

  async finishAttempt(jobId: string, update: JobUpdate): Promise<void> {
    const result = update.result === undefined ? null : JSON.stringify(update.result);
    const [row] = await this.persist(
      () => this.db.query<{ notification_id: string }>(SQL.finishAttempt, [jobId, update.state, update.nextAttemptAt ?? null, JSON.stringify(update.attempt), result]),
      () => this.attempting.delete(jobId),
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

  async rateDelay(limit: RateLimit, alerts: number, _now: number): Promise<number> {
    const needed = limit.per === 'alert' ? Math.max(1, Math.min(alerts, limit.burst)) : 1;
    const [row] = await this.db.query<{ granted: boolean; tokens: number; held_until: number; now: number }>(TAKE_TOKENS, [
      keyOf(limit.key),
      limit.burst,
      limit.perSecond,
      needed,
    ]);
    if (row === undefined || row.granted) return 0;
    if (row.held_until > row.now) return row.held_until - row.now;
    return Math.max(1, Math.ceil(((needed - row.tokens) / limit.perSecond) * 1000));
  }

  async holdDestination(key: string, ms: number, _now: number): Promise<void> {
    await this.db.query(HOLD_DESTINATION, [keyOf(key), Math.ceil(ms)]);
  }

  health(): StoreHealth {
    return this.db.health();
  }

  onWork(listener: () => void): void {
    this.workListeners.push(listener);
  }

  async listNotifications(limit: number): Promise<NotificationRecord[]> {
    return this.toRecords(await this.db.query<NotificationRow>(SQL.recentNotifications, [limit]));
  }

  async getNotification(id: string): Promise<NotificationRecord | undefined> {
    const [record] = await this.toRecords(await this.db.query<NotificationRow>(SQL.oneNotification, [id]));
    return record;
  }

  async close(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await this.db.close();
  }

  private async toRecords(rows: NotificationRow[]): Promise<NotificationRecord[]> {
    if (rows.length === 0) return [];
    const jobs = await this.db.query<JobRow>(SQL.jobsOf, [rows.map((row) => row.id)]);
    return rows.map((row) => ({
      id: row.id,
      state: row.state,
      receivedAt: row.received_at,
      notification: decodeNotification(row.body, row.original),
      jobs: jobs.filter((job) => job.notification_id === row.id).map(toJob),
    }));
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

  /**
   * What records work already done (an attempt's outcome, a plan) is retried through a short
   * outage rather than dropped: otherwise the work would run again once its lease expired. Past
   * the lease that is bound to happen anyway, so retrying longer would gain nothing. `settled`
   * runs either way: the claim is no longer this replica's to renew.
   */
  private async persist<T>(write: () => Promise<T>, settled: () => void = () => undefined): Promise<T> {
    const deadline = Date.now() + this.options.leaseMs;
    try {
      for (let delay = 200; ; delay = Math.min(delay * 2, 2_000)) {
        try {
          return await write();
        } catch (error) {
          if (!isConnectionError(error) || Date.now() + delay > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    } finally {
      settled();
    }
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
    const planning = stillHeld(this.planning);
    const attempting = stillHeld(this.attempting);
    if (planning.length > 0) await this.db.query(SQL.renewNotificationLeases, [this.owner, this.options.leaseMs, planning]);
    if (attempting.length > 0) await this.db.query(SQL.renewJobLeases, [this.owner, this.options.leaseMs, attempting]);
  }

  private async sweep(): Promise<void> {
    if (!this.db.isReady()) return;
    await this.db.query(SQL.markAllDone);
    await this.db.query(SQL.pruneHistory, [this.options.historyLimit]);
  }
}

/**
 * Planning is bounded by the enrichers' timeouts and an attempt by its action's; a claim held
 * longer was dropped on the way (a plan that failed before it could be saved) and must expire,
 * or this replica would renew it for as long as it lives.
 */
const MAX_HOLD_MS = 5 * 60_000;

function stillHeld(claims: Map<string, number>): string[] {
  const oldest = Date.now() - MAX_HOLD_MS;
  for (const [id, since] of claims) if (since < oldest) claims.delete(id);
  return [...claims.keys()];
}

/** Rate-limit keys name their destination, a Slack webhook URL among them: a credential that has no business in a table. */
function keyOf(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function reasonOf(health: StoreHealth): string {
  return health.ok ? 'PostgreSQL not ready' : health.reason;
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    notificationId: row.notification_id,
    action: row.action,
    fingerprints: row.fingerprints,
    state: row.state,
    createdAt: row.created_at,
    nextAttemptAt: row.next_attempt_at,
    attempts: row.attempts,
    ...(row.result === null ? {} : { result: row.result }),
  };
}
