import { afterEach, describe, expect, it } from 'vitest';
import { messageRefId, type MessageRef } from '../../src/store/ports/message-refs.js';
import type { DeliveryStore, StoreLimits } from '../../src/store/ports/delivery-store.js';
import { QueueFullError } from '../../src/store/ports/errors.js';
import type { EnrichedNotification } from '../../src/model/model.js';
import { alertWith, enriched, notificationOf } from '../support/alerts.js';

/** How the contract opens stores of one adapter. */
export interface StoreAdapter {
  open(limits?: Partial<StoreLimits>): Promise<DeliveryStore>;
  /**
   * Durable adapters: a store that carries on after `previous` went away in the middle of its
   * work (a kill, a restart). `previous` is closed first; nothing it claimed was finished.
   */
  successor?(previous: DeliveryStore): Promise<DeliveryStore>;
}

const note = (id: string) => notificationOf([alertWith({ alertname: 'A', id })], id);

const messageRef = (groupKey: string, ts: string, state: Record<string, unknown> = {}): MessageRef => ({
  id: messageRefId('oncall', '#alerts', groupKey),
  action: 'oncall',
  channel: '#alerts',
  groupKey,
  channelId: 'C0123ABCD',
  ts,
  state,
  updatedAt: Date.now(),
});

/** Claims with `claim` until `count` items came back (some only once a lease runs out), within a bounded time. */
async function claimUntil<T>(claim: () => Promise<T[]>, count: number, timeoutMs = 10_000): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  const claimed: T[] = [];
  while (claimed.length < count && Date.now() < deadline) {
    claimed.push(...(await claim()));
    if (claimed.length < count) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return claimed;
}

/**
 * What every delivery store does, whatever keeps its rows. Each adapter's test file calls this
 * once; the tests are the same for all of them, so an adapter cannot drift from the others.
 */
export function deliveryStoreContract(kind: string, adapter: () => StoreAdapter): void {
  describe(`the ${kind} store`, () => {
    const opened: DeliveryStore[] = [];
    const open = async (limits?: Partial<StoreLimits>): Promise<DeliveryStore> => {
      const store = await adapter().open(limits);
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });

    it('keeps a message reference per (action, channel, group) and replaces it on the next write', async () => {
      const store = await open();
      expect(await store.getMessageRef(messageRefId('oncall', '#alerts', 'g1'))).toBeUndefined();
      await store.putMessageRef(messageRef('g1', '1700000000.000100', { firing: ['a'] }));
      await store.putMessageRef(messageRef('g2', '1700000000.000200'));
      await store.putMessageRef(messageRef('g1', '1700000000.000300', { firing: [] }));
      expect(await store.getMessageRef(messageRefId('oncall', '#alerts', 'g1'))).toMatchObject({
        groupKey: 'g1',
        channelId: 'C0123ABCD',
        ts: '1700000000.000300',
        state: { firing: [] },
      });
      expect((await store.getMessageRef(messageRefId('oncall', '#alerts', 'g2')))?.ts).toBe('1700000000.000200');
      expect(await store.getMessageRef(messageRefId('other', '#alerts', 'g1'))).toBeUndefined();
    });

    if (adapter().successor !== undefined)
      it('still finds a message reference after its process went away', async () => {
        const first = await open();
        await first.putMessageRef(messageRef('{}:{alertname="A"}', '1700000000.000100', { startedAt: 1 }));
        const second = await adapter().successor!(first);
        opened.push(second);
        expect(await second.getMessageRef(messageRefId('oncall', '#alerts', '{}:{alertname="A"}'))).toMatchObject({
          ts: '1700000000.000100',
          state: { startedAt: 1 },
        });
      });

    it('hands jobs the enriched notification whether enrichment found something or nothing', async () => {
      const store = await open();
      for (const id of ['a', 'b']) await store.add(note(id));
      await store.claimNotifications(2);
      const found = enriched(note('a'));
      const withContext = {
        ...found,
        alerts: found.alerts.map((a) => ({
          ...a,
          enrichment: { pods: { fields: [{ label: 'CPU', value: '90%' }] } },
          notes: ['prometheus: slow'],
        })),
      };
      await store.saveRouted(withContext, [{ action: 'log', fingerprints: ['fa'] }]);
      await store.saveRouted(enriched(note('b')), [{ action: 'log', fingerprints: ['fb'] }]);
      const claimed = new Map((await store.claimDueJobs(Date.now(), 10)).map((c) => [c.notification.id, c.notification]));
      expect(claimed.get('a')!.alerts[0]!.enrichment).toEqual({ pods: { fields: [{ label: 'CPU', value: '90%' }] } });
      expect(claimed.get('a')!.alerts[0]!.notes).toEqual(['prometheus: slow']);
      expect(claimed.get('b')!.alerts[0]!.enrichment).toEqual({});
      expect(claimed.get('b')!.alerts[0]!.notes).toEqual([]);
      const record = await store.getNotification('b');
      expect((record!.notification as EnrichedNotification).alerts[0]!.enrichment).toEqual({});
    });

    it('hands out queued notifications oldest first, each once', async () => {
      const store = await open();
      for (const id of ['a', 'b', 'c']) await store.add(note(id));
      expect((await store.claimNotifications(2)).map((n) => n.id)).toEqual(['a', 'b']);
      expect((await store.claimNotifications(5)).map((n) => n.id)).toEqual(['c']);
      expect(await store.claimNotifications(5)).toEqual([]);
    });

    it('gives back the notification with its dates and original body intact', async () => {
      const store = await open();
      const original = { ...note('a'), originalBody: '{"receiver":"a"}' };
      await store.add(original);
      const [claimed] = await store.claimNotifications(1);
      expect(claimed!.receivedAt).toEqual(original.receivedAt);
      expect(claimed!.alerts[0]!.startsAt).toEqual(original.alerts[0]!.startsAt);
      expect(claimed!.alerts[0]!.endsAt).toBeNull();
      expect(claimed!.originalBody).toBe('{"receiver":"a"}');
    });

    it('runs jobs when due, and finishes the notification when every job has ended', async () => {
      const store = await open();
      await store.add(note('a'));
      await store.claimNotifications(1);
      await store.saveRouted(enriched(note('a')), [
        { action: 'slack', fingerprints: ['f1'] },
        { action: 'log', fingerprints: ['f1'] },
      ]);
      expect(store.unfinishedCount()).toBe(1);
      const claimed = await store.claimDueJobs(Date.now(), 10);
      expect(claimed.map((c) => c.job.action).sort()).toEqual(['log', 'slack']);
      expect(claimed[0]!.notification.alerts[0]!.enrichment).toEqual({});
      expect(await store.claimDueJobs(Date.now(), 10)).toEqual([]);

      const later = Date.now() + 60_000;
      await store.finishAttempt('a:slack', {
        state: 'pending',
        nextAttemptAt: later,
        attempt: { at: 1, durationMs: 5, outcome: 'retry', error: '503' },
      });
      await store.finishAttempt('a:log', { state: 'succeeded', attempt: { at: 1, durationMs: 1, outcome: 'success' }, result: { n: 1 } });
      expect(await store.nextDueAt()).toBe(later);
      expect(await store.claimDueJobs(Date.now(), 10)).toEqual([]);
      expect(store.unfinishedCount()).toBe(1);

      const [retry] = await store.claimDueJobs(later, 10);
      expect(retry!.job.attempts).toEqual([{ at: 1, durationMs: 5, outcome: 'retry', error: '503' }]);
      await store.finishAttempt('a:slack', { state: 'succeeded', attempt: { at: 2, durationMs: 5, outcome: 'success' } });
      expect(store.unfinishedCount()).toBe(0);
      const record = await store.getNotification('a');
      expect(record!.state).toBe('done');
      expect(record!.jobs.find((j) => j.action === 'log')!.result).toEqual({ n: 1 });
      expect(record!.jobs.find((j) => j.action === 'slack')!.attempts.map((x) => x.outcome)).toEqual(['retry', 'success']);
    });

    it('finishes at once a notification routed to nothing', async () => {
      const store = await open();
      await store.add(note('a'));
      await store.claimNotifications(1);
      await store.saveRouted(enriched(note('a')), []);
      expect(store.unfinishedCount()).toBe(0);
      expect((await store.getNotification('a'))!.state).toBe('done');
    });

    it('tells when the oldest unfinished notification arrived, and nothing once all are done', async () => {
      const store = await open();
      expect(await store.oldestUnfinishedAt()).toBeUndefined();
      await store.add(note('a'));
      await store.add(note('b'));
      expect(await store.oldestUnfinishedAt()).toBe(note('a').receivedAt.getTime());
      await store.claimNotifications(2);
      await store.saveRouted(enriched(note('a')), []);
      await store.saveRouted(enriched(note('b')), []);
      expect(await store.oldestUnfinishedAt()).toBeUndefined();
      await store.probeWrite();
    });

    it('puts a released job back without counting an attempt', async () => {
      const store = await open();
      await store.add(note('a'));
      await store.claimNotifications(1);
      await store.saveRouted(enriched(note('a')), [{ action: 'slack', fingerprints: ['f1'] }]);
      await store.claimDueJobs(Date.now(), 1);
      await store.releaseJob('a:slack', Date.now() - 1);
      const [again] = await store.claimDueJobs(Date.now(), 1);
      expect(again!.job.attempts).toEqual([]);
    });

    it('refuses past max_pending and takes more once work finishes', async () => {
      const store = await open({ maxPending: 2 });
      await store.add(note('a'));
      await store.add(note('b'));
      await expect(store.add(note('c'))).rejects.toBeInstanceOf(QueueFullError);
      await store.claimNotifications(1);
      await store.saveRouted(enriched(note('a')), []);
      await expect(store.add(note('c'))).resolves.toBeUndefined();
    });

    it('finds duplicates from other notifications within the window, never from itself', async () => {
      const store = await open();
      expect(await store.claimDedupKeys('n1', ['k1', 'k2'], 1000, 500)).toEqual(new Set());
      expect(await store.claimDedupKeys('n1', ['k1'], 1100, 500)).toEqual(new Set());
      expect(await store.claimDedupKeys('n2', ['k1', 'k3'], 1200, 500)).toEqual(new Set(['k1']));
      expect(await store.claimDedupKeys('n3', ['k1'], 1700, 500)).toEqual(new Set());
    });

    it('keeps before-ack outcomes in the history', async () => {
      const store = await open();
      await store.add(note('a'));
      await store.recordBeforeAck(
        'a',
        { action: 'cmd', fingerprints: ['f1'] },
        { state: 'failed', attempt: { at: 1, durationMs: 3, outcome: 'failed', error: 'exit 1' } },
      );
      const record = await store.getNotification('a');
      expect(record!.jobs.map((j) => [j.action, j.state, j.attempts[0]!.error])).toEqual([['cmd', 'failed', 'exit 1']]);
    });

    it('lists the newest notifications first', async () => {
      const store = await open();
      for (const id of ['a', 'b', 'c']) await store.add(note(id));
      expect((await store.listNotifications({ limit: 2 })).records.map((r) => r.id)).toEqual(['c', 'b']);
      expect(await store.getNotification('zzz')).toBeUndefined();
    });

    it('pages the history newest first from a position, saying whether older ones remain', async () => {
      const store = await open();
      for (const id of ['a', 'b', 'c', 'd', 'e']) await store.add(note(id));
      const first = await store.listNotifications({ limit: 2 });
      expect(first.records.map((r) => r.id)).toEqual(['e', 'd']);
      expect(first.more).toBe(true);
      const second = await store.listNotifications({ limit: 2, before: first.records.at(-1)!.position });
      expect(second.records.map((r) => r.id)).toEqual(['c', 'b']);
      const last = await store.listNotifications({ limit: 2, before: second.records.at(-1)!.position });
      expect(last.records.map((r) => r.id)).toEqual(['a']);
      expect(last.more).toBe(false);
      // Notifications arriving meanwhile do not shift a page that is being followed.
      await store.add(note('f'));
      expect((await store.listNotifications({ limit: 2, before: first.records.at(-1)!.position })).records.map((r) => r.id)).toEqual([
        'c',
        'b',
      ]);
    });

    it('stops a page early at its byte budget, but always returns at least one notification', async () => {
      const store = await open();
      const big = (id: string) => notificationOf([alertWith({ alertname: 'A', id }, 'firing', { description: 'x'.repeat(10_000) })], id);
      for (const id of ['a', 'b', 'c']) await store.add(big(id));
      const page = await store.listNotifications({ limit: 3, maxBytes: 25_000 });
      expect(page.records.map((r) => r.id)).toEqual(['c', 'b']);
      expect(page.more).toBe(true);
      const tiny = await store.listNotifications({ limit: 3, maxBytes: 10 });
      expect(tiny.records.map((r) => r.id)).toEqual(['c']);
      expect(tiny.more).toBe(true);
    });

    it('lets a burst through to a destination, then makes the next job wait for the rate', async () => {
      const store = await open();
      const slack = { key: `slack:${kind}`, perSecond: 1, burst: 3 };
      const now = Date.now();
      expect([await store.rateDelay(slack, 1, now), await store.rateDelay(slack, 1, now), await store.rateDelay(slack, 1, now)]).toEqual([
        0, 0, 0,
      ]);
      const wait = await store.rateDelay(slack, 1, now);
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(1000);
      expect(await store.rateDelay({ ...slack, key: `slack:${kind}:other` }, 1, now)).toBe(0);
    });

    it('holds a destination back for as long as it asked, whatever its bucket holds', async () => {
      const store = await open();
      const pagerduty = { key: `pagerduty:${kind}`, perSecond: 100, burst: 100 };
      await store.holdDestination(pagerduty.key, 60_000, Date.now());
      expect(await store.rateDelay(pagerduty, 1, Date.now())).toBeGreaterThan(50_000);
    });

    it('keeps only the newest finished notifications', async () => {
      const store = await open({ historyLimit: 5 });
      for (let i = 0; i < 120; i++) {
        await store.add(note(`n${i}`));
        await store.claimNotifications(1);
        await store.saveRouted(enriched(note(`n${i}`)), []);
      }
      const kept = (await store.listNotifications({ limit: 1000 })).records;
      // Pruned every 100 finished notifications, not after each.
      expect(kept.length).toBeLessThanOrEqual(5 + 100);
      expect(kept[0]!.id).toBe('n119');
      expect(await store.getNotification('n0')).toBeUndefined();
    });

    // Only for durable adapters: nothing of a memory store outlives its process.
    if (adapter().successor !== undefined)
      it('hands out again what was being planned or attempted when its process went away', async () => {
        const first = await open();
        for (const id of ['a', 'b', 'c']) await first.add(note(id));
        await first.claimNotifications(1); // a: interrupted while being planned
        await first.claimNotifications(1); // b: routed, its job interrupted while running
        await first.saveRouted(enriched(note('b')), [{ action: 'slack', fingerprints: ['f'] }]);
        await first.claimDueJobs(Date.now(), 1);

        const second = await adapter().successor!(first);
        opened.push(second);
        expect(await second.recover()).toEqual({ notifications: 1, jobs: 1, deadLettered: [] });
        expect(second.unfinishedCount()).toBe(3);
        const claimed = await claimUntil(() => second.claimNotifications(10), 2);
        expect(claimed.map((n) => n.id).sort()).toEqual(['a', 'c']);
        const jobs = await claimUntil(() => second.claimDueJobs(Date.now(), 10), 1);
        expect(jobs.map((c) => c.job.id)).toEqual(['b:slack']);
        // Each once: nothing else comes back later.
        expect(await second.claimNotifications(10)).toEqual([]);
      });

    if (adapter().successor !== undefined)
      it('dead-letters a job after the process stopped while it ran three times', async () => {
        let store = await open();
        await store.add(note('a'));
        await store.claimNotifications(1);
        await store.saveRouted(enriched(note('a')), [{ action: 'exec', fingerprints: ['f'] }]);
        const recoveries = [];
        for (let start = 1; start <= 3; start++) {
          // The job is running when the process stops; the next start recovers it.
          expect((await store.claimDueJobs(Date.now(), 1)).map((c) => c.job.id)).toEqual(['a:exec']);
          store = await adapter().successor!(store);
          opened.push(store);
          recoveries.push(await store.recover());
        }
        expect(recoveries.map((r) => r.deadLettered)).toEqual([[], [], ['exec']]);
        expect(await store.claimDueJobs(Date.now(), 1)).toEqual([]);
        const record = await store.getNotification('a');
        expect(record?.state).toBe('done');
        expect(record?.jobs[0]?.state).toBe('dead');
        expect(record?.jobs[0]?.attempts.at(-1)).toMatchObject({
          outcome: 'dead',
          error: 'the process stopped while this job ran 3 times',
        });
        expect(store.unfinishedCount()).toBe(0);
      });
  });
}
