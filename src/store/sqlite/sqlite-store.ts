import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { MESSAGE_REF_MAX_AGE_MS, type MessageRef } from '../ports/message-refs.js';
import type { RateLimit } from '../../store/ports/rate-limits.js';
import type { Logger } from '../../observability/logger.js';
import type { EnrichedNotification, Notification } from '../../model/model.js';
import type { DeliveryStore, StoreLimits } from '../ports/delivery-store.js';
import { QueueFullError } from '../ports/errors.js';
import type { HistoryPage, HistoryQuery } from '../ports/history.js';
import {
  interruptedTooOften,
  MAX_JOB_INTERRUPTIONS,
  type AttemptRecord,
  type ClaimedJob,
  type JobState,
  type JobUpdate,
  type NewJob,
  type HistoryEvent,
  type NotificationRecord,
  type Recovered,
  type RetryResult,
} from '../ports/records.js';
import { RateLimiter } from '../rate-limiter.js';
import { isFiltered } from '../history-filter.js';
import { readFilteredPage } from './sqlite-history-query.js';
import { decodeEnriched, decodeNotification, encodeEnriched, encodeNotification } from '../notification-codec.js';
import { toJob, toMessageRef, type JobRow, type MessageRefRow, type NotificationRow } from './sqlite-rows.js';
import type { Statements } from './sqlite-statements.js';
import { SqliteWriter } from './sqlite-writer.js';

export interface SqliteStoreOptions extends StoreLimits {
  /** Directory of `alertpipe.db`; created when missing. */
  readonly dataDir: string;
  /**
   * `normal` (the default) survives the process being killed at any moment: a committed write is
   * in the write-ahead log. Only `full` also survives losing power, at the cost of an fsync per write.
   */
  readonly synchronous?: 'normal' | 'full';
  /** Told when the file was removed or replaced while open, and what was done about it. */
  readonly logger?: Logger;
}

/** A job as first written: created and due at `at`, with the attempts (and result) it already has. */
interface InsertedJob {
  readonly state: JobState;
  readonly at: number;
  readonly attempts: readonly AttemptRecord[];
  readonly result?: Readonly<Record<string, unknown>>;
}

// Pruning after every finished notification (or dedup claim) would cost a DELETE each; every 100 is plenty.
const PRUNE_EVERY = 100;
// A message untouched this long is past editing anyway (its group long resolved or forgotten).

/**
 * The durable queue (the default): one SQLite file in write-ahead-log mode. Every method runs
 * synchronously inside SQLite, so each is atomic with respect to the others without locks.
 */
export class SqliteStore implements DeliveryStore {
  private readonly limiter = new RateLimiter();
  readonly file: string;
  private readonly writer: SqliteWriter;
  private unfinished: number;
  private finishedSincePrune = 0;
  private dedupClaimsSincePrune = 0;
  private refsSincePrune = 0;

  /** Throws `StoreCorruptError` when the file fails `PRAGMA quick_check`. */
  constructor(private readonly options: SqliteStoreOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.file = path.join(options.dataDir, 'alertpipe.db');
    this.writer = new SqliteWriter(this.file, options.synchronous ?? 'normal', options.logger);
    this.unfinished = (this.sql.countUnfinished.get() as { n: number }).n;
  }

  /** The statements of the connection open now (a write-back reopens it). */
  private get sql(): Statements {
    return this.writer.sql;
  }

  async add(notification: Notification): Promise<void> {
    if (this.unfinished >= this.options.maxPending) throw new QueueFullError(this.options.maxPending, 5);
    // The slot is taken now, so that adds waiting for the same commit respect the bound together.
    this.unfinished++;
    try {
      await this.write(() => {
        this.sql.insertNotification.run(notification.id, notification.receivedAt.getTime());
        this.sql.insertBody.run(notification.id, notification.originalBody, encodeNotification(notification));
      });
    } catch (error) {
      this.unfinished--;
      throw error;
    }
  }

  claimNotifications(limit: number): Promise<Notification[]> {
    return this.write(() => {
      // The dispatcher asks after every event, mostly finding nothing; a read answers that
      // without writing anything.
      if (this.sql.anyQueued.get() === undefined) return [];
      const rows = this.sql.claimNotifications.all(limit) as { id: string; seq: number }[];
      return rows.sort((a, b) => a.seq - b.seq).map((row) => this.loadBody(row.id));
    });
  }

  saveRouted(enriched: EnrichedNotification, jobs: readonly NewJob[], events: readonly HistoryEvent[] = []): Promise<void> {
    return this.write(() => {
      this.sql.markDelivering.run(enriched.id);
      for (const event of events) this.insertEvent(enriched.id, event);
      const body = encodeEnriched(enriched);
      if (body !== undefined) this.sql.saveEnriched.run(body, enriched.id);
      const now = Date.now();
      for (const job of jobs) this.insertJob(enriched.id, job, { state: 'pending', at: now, attempts: [] });
      this.finishIfDone(enriched.id);
    });
  }

  recordBeforeAck(notificationId: string, job: NewJob, update: JobUpdate): Promise<void> {
    return this.write(() => {
      const state = update.state === 'succeeded' ? 'succeeded' : 'failed';
      this.insertJob(notificationId, job, { state, at: update.attempt.at, attempts: [update.attempt], result: update.result });
    });
  }

  claimDueJobs(now: number, limit: number): Promise<ClaimedJob[]> {
    return this.write(() => {
      if (this.sql.anyDue.get(now) === undefined) return [];
      const rows = this.sql.claimDueJobs.all(now, limit) as JobRow[];
      const notifications = new Map<string, EnrichedNotification>();
      return rows
        .sort((a, b) => a.next_attempt_at - b.next_attempt_at)
        .map((row) => {
          let notification = notifications.get(row.notification_id);
          if (notification === undefined) {
            const { body, original } = this.sql.notificationBody.get(row.notification_id) as { body: string; original: string };
            notification = decodeEnriched(body, original);
            notifications.set(row.notification_id, notification);
          }
          return { job: toJob(row), notification };
        });
    });
  }

  // In the write order, so that it never answers from before a claim that is waiting to commit.
  nextDueAt(): Promise<number | undefined> {
    return this.write(() => (this.sql.nextDue.get() as { due: number | null }).due ?? undefined);
  }

  releaseJob(jobId: string, nextAttemptAt: number, event?: HistoryEvent): Promise<void> {
    return this.write(() => {
      if (this.sql.releaseJob.run(nextAttemptAt, jobId).changes === 0 || event === undefined) return;
      const row = this.sql.jobNotification.get(jobId) as { notification_id: string };
      this.insertEvent(row.notification_id, event);
    });
  }

  retryJob(jobId: string, now: number): Promise<RetryResult> {
    return this.write((): RetryResult => {
      const row = this.sql.oneJob.get(jobId) as JobRow | undefined;
      if (row === undefined) return { retried: false, reason: 'not found' };
      if (this.sql.retryJob.run(now, jobId).changes === 0) return { retried: false, reason: 'not dead' };
      this.insertEvent(row.notification_id, {
        at: now,
        kind: 'retried',
        action: row.action,
        fingerprints: JSON.parse(row.fingerprints) as string[],
      });
      if (this.sql.reopenNotification.run(row.notification_id).changes > 0) this.unfinished++;
      return { retried: true, job: toJob(this.sql.oneJob.get(jobId) as JobRow) };
    });
  }

  finishAttempt(jobId: string, update: JobUpdate): Promise<void> {
    return this.write(() => {
      const row = this.sql.jobNotification.get(jobId) as { notification_id: string } | undefined;
      if (row === undefined) return;
      const result = update.result === undefined ? null : JSON.stringify(update.result);
      this.sql.finishAttempt.run(update.state, update.nextAttemptAt ?? null, JSON.stringify(update.attempt), result, jobId);
      if (update.state !== 'pending') this.finishIfDone(row.notification_id);
    });
  }

  recover(): Promise<Recovered> {
    return this.write(() => {
      const notifications = this.sql.requeueNotifications.run().changes;
      this.sql.countInterruption.run();
      const attempt = interruptedTooOften(Date.now());
      const dead = this.sql.deadLetterInterrupted.all(JSON.stringify(attempt), MAX_JOB_INTERRUPTIONS) as Array<{
        notification_id: string;
        action: string;
      }>;
      for (const row of dead) this.finishIfDone(row.notification_id);
      return { notifications, jobs: this.sql.requeueJobs.run().changes, deadLettered: dead.map((row) => row.action) };
    });
  }

  oldestUnfinishedAt(): Promise<number | undefined> {
    return this.read(() => (this.sql.oldestUnfinished.get() as { at: number | null }).at ?? undefined);
  }

  probeWrite(): Promise<void> {
    return this.write(() => {
      this.sql.probe.run(Date.now());
    });
  }

  claimDedupKeys(notificationId: string, keys: readonly string[], now: number, windowMs: number): Promise<Set<string>> {
    return this.write(() => {
      if (++this.dedupClaimsSincePrune >= PRUNE_EVERY) {
        this.dedupClaimsSincePrune = 0;
        this.sql.pruneDedup.run(now);
      }
      const duplicates = new Set<string>();
      for (const key of keys) {
        const held = this.sql.dedupGet.get(key) as { notification_id: string; expires_at: number } | undefined;
        if (held !== undefined && held.expires_at > now && held.notification_id !== notificationId) duplicates.add(key);
        else this.sql.dedupPut.run(key, notificationId, now + windowMs);
      }
      return duplicates;
    });
  }

  unfinishedCount(): number {
    return this.unfinished;
  }

  // One process owns the queue: its buckets live in memory, and its own ingest wakes its dispatcher.
  async rateDelay(limit: RateLimit, alerts: number, now: number): Promise<number> {
    return this.limiter.delayFor(limit, now, alerts);
  }

  async holdDestination(key: string, ms: number, now: number): Promise<void> {
    this.limiter.hold(key, now + ms);
  }

  onWork(): void {}

  listNotifications(query: HistoryQuery): Promise<HistoryPage> {
    if (isFiltered(query.filter)) {
      const filter = query.filter;
      return this.read(() => readFilteredPage({ db: this.writer.db, sql: this.sql, toRecord: (row) => this.toRecord(row) }, query, filter));
    }
    return this.read((): HistoryPage => {
      const records: NotificationRecord[] = [];
      const before = query.before ?? Number.MAX_SAFE_INTEGER;
      const maxBytes = query.maxBytes ?? Number.POSITIVE_INFINITY;
      let bytes = 0;
      // Row by row, so a page of large bodies stops reading at its budget instead of holding them all.
      for (const row of this.sql.historyPage.iterate(before, query.limit) as IterableIterator<NotificationRow>) {
        bytes += row.body.length;
        if (records.length > 0 && bytes > maxBytes) {
          return { records, more: true };
        }
        records.push(this.toRecord(row));
      }
      const last = records.at(-1);
      return { records, more: last !== undefined && this.sql.olderExists.get(last.position) !== undefined };
    });
  }

  getNotification(id: string): Promise<NotificationRecord | undefined> {
    return this.read(() => {
      const row = this.sql.oneNotification.get(id) as NotificationRow | undefined;
      return row === undefined ? undefined : this.toRecord(row);
    });
  }

  recordEvent(notificationId: string, event: HistoryEvent): Promise<void> {
    return this.write(() => {
      this.sql.insertEventIfKept.run(event.kind, event.action ?? null, JSON.stringify(event), notificationId);
    });
  }

  getMessageRef(id: string): Promise<MessageRef | undefined> {
    return this.read(() => {
      const row = this.sql.getMessageRef.get(id) as MessageRefRow | undefined;
      return row === undefined ? undefined : toMessageRef(row);
    });
  }

  putMessageRef(ref: MessageRef): Promise<void> {
    return this.write(() => {
      if (++this.refsSincePrune >= PRUNE_EVERY) {
        this.refsSincePrune = 0;
        this.sql.pruneMessageRefs.run(ref.updatedAt - MESSAGE_REF_MAX_AGE_MS);
      }
      this.sql.putMessageRef.run(
        ref.id,
        ref.action,
        ref.channel,
        ref.groupKey,
        ref.channelId,
        ref.ts,
        JSON.stringify(ref.state),
        ref.updatedAt,
      );
    });
  }

  async close(): Promise<void> {
    await this.writer.close();
  }

  /** The job of `job.action` for this notification, inserted or replacing the one there: one row per (notification, action). */
  private insertJob(notificationId: string, job: NewJob, row: InsertedJob): void {
    const { state, at, attempts, result } = row;
    this.sql.insertJob.run(
      `${notificationId}:${job.action}`,
      notificationId,
      job.action,
      JSON.stringify(job.fingerprints),
      state,
      at,
      at,
      JSON.stringify(attempts),
      result === undefined ? null : JSON.stringify(result),
    );
  }

  private insertEvent(notificationId: string, event: HistoryEvent): void {
    this.sql.insertEvent.run(notificationId, event.kind, event.action ?? null, JSON.stringify(event));
  }

  private read<T>(query: () => T): Promise<T> {
    return this.writer.read(query);
  }

  private write<T>(change: () => T): Promise<T> {
    return this.writer.write(change);
  }

  private toRecord(row: NotificationRow): NotificationRecord {
    return {
      id: row.id,
      position: row.position,
      state: row.state,
      receivedAt: row.received_at,
      // Once routed, a body enrichment added nothing to was not written again: read it as enriched.
      notification:
        row.state === 'delivering' || row.state === 'done'
          ? decodeEnriched(row.body, row.original ?? '')
          : decodeNotification(row.body, row.original ?? ''),
      jobs: (this.sql.jobsOf.all(row.id) as JobRow[]).map(toJob),
      events: (this.sql.eventsOf.all(row.id) as Array<{ body: string }>).map((e) => JSON.parse(e.body) as HistoryEvent),
    };
  }

  private loadBody(id: string): Notification {
    const { body, original } = this.sql.notificationBody.get(id) as { body: string; original: string };
    return decodeNotification<Notification>(body, original);
  }

  /** A delivering notification whose jobs have all ended is done; its slot in the queue frees up. */
  private finishIfDone(id: string): void {
    if (this.sql.markDone.run(id, id).changes === 0) return;
    this.unfinished--;
    if (++this.finishedSincePrune >= PRUNE_EVERY) {
      this.finishedSincePrune = 0;
      this.sql.pruneHistory.run(this.options.historyLimit);
    }
  }
}
