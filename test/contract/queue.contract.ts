import { expect, it } from 'vitest';
import { QueueFullError } from '../../src/store/ports/errors.js';
import type { EnrichedNotification } from '../../src/model/model.js';
import { enriched } from '../support/alerts.js';
import { type ContractStores, note, claimUntil, routedTo } from './store-contract.js';

/** What every adapter does as the queue: run on each by delivery-store.contract.ts. */
export function queueContract({ open, successor, sibling }: ContractStores): void {
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

  it('keeps a batch of plans as each plan alone: bodies, events and jobs, and those routed to nothing done at once', async () => {
    const store = await open();
    for (const id of ['a', 'b', 'c', 'd']) await store.add(note(id));
    await store.claimNotifications(3);
    const routed = { at: 1, kind: 'routed' as const, fingerprints: ['f1'] };
    await store.saveRoutedBatch([
      { enriched: enriched(note('a')), jobs: [{ action: 'slack', fingerprints: ['f1'] }], events: [routed] },
      { enriched: enriched(note('b')), jobs: [] },
      {
        enriched: enriched(note('c')),
        jobs: [
          { action: 'slack', fingerprints: ['f1'] },
          { action: 'log', fingerprints: ['f1'] },
        ],
      },
    ]);
    expect(store.unfinishedCount()).toBe(3);
    expect((await store.getNotification('b'))!.state).toBe('done');
    expect((await store.getNotification('a'))!.events).toEqual([routed]);
    const claimed = await store.claimDueJobs(Date.now(), 10);
    expect(claimed.map((c) => c.job.id).sort()).toEqual(['a:slack', 'c:log', 'c:slack']);
    for (const { job } of claimed)
      await store.finishAttempt(job.id, { state: 'succeeded', attempt: { at: 2, durationMs: 1, outcome: 'success' } });
    expect(store.unfinishedCount()).toBe(1);
    expect((await store.getNotification('c'))!.state).toBe('done');
    await store.saveRoutedBatch([]);
  });

  it('gathers plans saved at once into batches, each notification finished as alone', async () => {
    const store = await open({ maxPending: 400 });
    const ids = Array.from({ length: 300 }, (_, i) => `n${i}`);
    for (const id of ids) await store.add(note(id));
    expect(await claimUntil(() => store.claimNotifications(400), 300)).toHaveLength(300);
    await Promise.all(
      ids.map((id, i) => store.saveRouted(enriched(note(id)), i % 2 === 0 ? [] : [{ action: 'log', fingerprints: ['f1'] }])),
    );
    expect(store.unfinishedCount()).toBe(150);
    expect((await store.claimDueJobs(Date.now(), 400)).length).toBe(150);
  });

  it('records a batch of outcomes as each alone: a retry keeps its notification open, the last end finishes it', async () => {
    const store = await open();
    await routedTo(store, 'a', ['slack', 'log']);
    await routedTo(store, 'b', ['slack']);
    expect(await claimUntil(() => store.claimDueJobs(Date.now(), 10), 3)).toHaveLength(3);
    const later = Date.now() + 60_000;
    const success = { state: 'succeeded' as const, attempt: { at: 2, durationMs: 1, outcome: 'success' as const } };
    await store.finishAttemptBatch([
      { jobId: 'a:slack', update: { state: 'pending', nextAttemptAt: later, attempt: { at: 1, durationMs: 1, outcome: 'retry' } } },
      { jobId: 'a:log', update: success },
      { jobId: 'b:slack', update: { ...success, result: { ts: '1' } } },
    ]);
    expect(store.unfinishedCount()).toBe(1);
    expect((await store.getNotification('b'))!.state).toBe('done');
    expect((await store.getNotification('b'))!.jobs[0]!.result).toEqual({ ts: '1' });
    expect((await store.getNotification('a'))!.state).toBe('delivering');
    expect(await store.nextDueAt()).toBe(later);
    await store.finishAttemptBatch([]);
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

  // Only for durable adapters: nothing of a memory store outlives its process.
  if (successor !== undefined)
    it('hands out again what was being planned or attempted when its process went away', async () => {
      const first = await open();
      for (const id of ['a', 'b', 'c']) await first.add(note(id));
      await first.claimNotifications(1); // a: interrupted while being planned
      await first.claimNotifications(1); // b: routed, its job interrupted while running
      await first.saveRouted(enriched(note('b')), [{ action: 'slack', fingerprints: ['f'] }]);
      await first.claimDueJobs(Date.now(), 1);

      const second = await successor!(first);
      expect(await second.recover()).toEqual({ notifications: 1, jobs: 1, deadLettered: [] });
      expect(second.unfinishedCount()).toBe(3);
      const claimed = await claimUntil(() => second.claimNotifications(10), 2);
      expect(claimed.map((n) => n.id).sort()).toEqual(['a', 'c']);
      const jobs = await claimUntil(() => second.claimDueJobs(Date.now(), 10), 1);
      expect(jobs.map((c) => c.job.id)).toEqual(['b:slack']);
      // Each once: nothing else comes back later.
      expect(await second.claimNotifications(10)).toEqual([]);
    });

  if (successor !== undefined)
    it('dead-letters a job after the process stopped while it ran three times', async () => {
      let store = await open();
      await store.add(note('a'));
      await store.claimNotifications(1);
      await store.saveRouted(enriched(note('a')), [{ action: 'exec', fingerprints: ['f'] }]);
      const recoveries = [];
      for (let start = 1; start <= 3; start++) {
        // The job is running when the process stops; the next start recovers it.
        expect((await store.claimDueJobs(Date.now(), 1)).map((c) => c.job.id)).toEqual(['a:exec']);
        store = await successor!(store);
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

  it('keeps one job per action on a repeat, the later outcome replacing the earlier', async () => {
    const store = await open();
    await store.add(note('a'));
    const failed = { state: 'failed', attempt: { at: 1, durationMs: 3, outcome: 'failed', error: 'exit 1' } } as const;
    const succeeded = { state: 'succeeded', attempt: { at: 2, durationMs: 2, outcome: 'success' } } as const;
    await store.recordBeforeAck('a', { action: 'cmd', fingerprints: ['f1'] }, failed);
    await store.recordBeforeAck('a', { action: 'cmd', fingerprints: ['f1'] }, succeeded);
    const record = await store.getNotification('a');
    expect(record!.jobs.map((j) => [j.id, j.state, j.attempts.map((x) => x.outcome)])).toEqual([['a:cmd', 'succeeded', ['success']]]);
  });

  it('retries a dead or failed job by hand, with a retried event, and leaves any other job alone', async () => {
    const store = await open();
    await routedTo(store, 'a', ['slack', 'log']);
    await store.claimDueJobs(Date.now(), 10);
    await store.finishAttempt('a:slack', { state: 'dead', attempt: { at: 1, durationMs: 5, outcome: 'dead', error: '400' } });
    expect(await store.retryJob('a:log', 5)).toEqual({ retried: false, reason: 'not dead' });
    await store.finishAttempt('a:log', { state: 'succeeded', attempt: { at: 1, durationMs: 1, outcome: 'success' } });
    expect(store.unfinishedCount()).toBe(0);
    expect(await store.retryJob('a:nothing', 5)).toEqual({ retried: false, reason: 'not found' });
    expect(await store.retryJob('a:log', 5)).toEqual({ retried: false, reason: 'not dead' });

    const retried = await store.retryJob('a:slack', 5);
    expect(retried).toMatchObject({ retried: true, job: { id: 'a:slack', state: 'pending', nextAttemptAt: 5 } });
    expect(store.unfinishedCount()).toBe(1);
    const record = await store.getNotification('a');
    expect(record!.state).toBe('delivering');
    expect(record!.events).toEqual([{ at: 5, kind: 'retried', action: 'slack', fingerprints: ['f1'] }]);
    const [again] = await store.claimDueJobs(Date.now(), 10);
    expect(again!.job.attempts.map((x) => x.error)).toEqual(['400']);
    await store.finishAttempt('a:slack', { state: 'succeeded', attempt: { at: 6, durationMs: 5, outcome: 'success' } });
    expect(store.unfinishedCount()).toBe(0);
    expect((await store.getNotification('a'))!.state).toBe('done');
  });

  // Only for adapters shared by processes: a store alone in its process wakes its own dispatcher.
  if (sibling !== undefined)
    it('wakes the other processes sharing it when work is queued, routed or retried, never itself', async () => {
      const store = await open();
      const other = await sibling(store);
      // Besides each notice, a listener wakes once whenever its connection (re)opens, to catch up
      // on what it may have missed: the counts below allow for that one.
      let woken = 0;
      let self = 0;
      other.onWork(() => woken++);
      store.onWork(() => self++);
      const wakes = async (step: () => Promise<unknown>): Promise<boolean> => {
        const before = woken;
        await step();
        for (let tries = 0; woken === before && tries < 100; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
        return woken > before;
      };
      expect(await wakes(() => store.add(note('a')))).toBe(true);
      await store.claimNotifications(1);
      expect(await wakes(() => store.saveRouted(enriched(note('a')), [{ action: 'slack', fingerprints: ['f1'] }]))).toBe(true);
      await store.claimDueJobs(Date.now(), 1);
      await store.finishAttempt('a:slack', { state: 'dead', attempt: { at: 1, durationMs: 1, outcome: 'dead' } });
      expect(await wakes(() => store.retryJob('a:slack', Date.now()))).toBe(true);
      expect(self).toBeLessThanOrEqual(1);
    });
}
