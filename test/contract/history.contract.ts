import { expect, it } from 'vitest';
import { alertWith, enriched, notificationOf } from '../support/alerts.js';
import { type ContractStores, note } from './store-contract.js';
import { MAX_SENT_MESSAGE_BYTES, sentMessage } from '../../src/store/ports/sent-message.js';

/** What every adapter does as the history: run on each by delivery-store.contract.ts. */
export function historyContract({ open }: ContractStores): void {
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

  it('keeps events from outside the queue after what planning decided, every one of them, in order', async () => {
    const store = await open();
    await store.add(note('a'));
    await store.claimNotifications(1);
    const routed = { at: 1, kind: 'unrouted', fingerprints: ['f1'], tried: ['route 0: {team="db"}'] } as const;
    await store.saveRouted(enriched(note('a')), [], [routed]);
    const first = {
      at: 2,
      kind: 'acknowledged',
      action: 'oncall',
      fingerprints: ['f1'],
      by: { id: 'U1', name: 'alice', via: 'Slack' },
    } as const;
    const second = { ...first, at: 3, by: { id: 'U2', name: 'bob', via: 'Slack' } };
    await store.recordEvent('a', first);
    await store.recordEvent('a', second);
    expect((await store.getNotification('a'))!.events).toEqual([routed, first, second]);
    expect((await store.listNotifications({ limit: 1 })).records[0]!.events).toEqual([routed, first, second]);
    // A notification no longer kept (or never seen) takes nothing and throws nothing.
    await expect(store.recordEvent('gone', first)).resolves.toBeUndefined();
    expect(await store.getNotification('gone')).toBeUndefined();
  });

  it('keeps the message each attempt sent as it went out, cut past its bound and saying so', async () => {
    const store = await open();
    await store.add(note('a'));
    await store.claimNotifications(1);
    await store.saveRouted(enriched(note('a')), [{ action: 'chat', fingerprints: ['f1'] }]);
    await store.claimDueJobs(Date.now(), 10);
    const small = sentMessage('application/json', { text: 'KubePodCrashLooping ✓', blocks: [{ type: 'section' }] });
    await store.finishAttempt('a:chat', {
      state: 'pending',
      nextAttemptAt: Date.now(),
      attempt: { at: 1, durationMs: 5, outcome: 'retry', error: '503', message: small },
    });
    await store.claimDueJobs(Date.now(), 10);
    // A webhook body of a huge group: kept up to the bound, on a character boundary.
    const huge = sentMessage('application/json', { text: '€'.repeat(100_000) });
    await store.finishAttempt('a:chat', { state: 'succeeded', attempt: { at: 2, durationMs: 5, outcome: 'success', message: huge } });
    const [first, second] = (await store.getNotification('a'))!.jobs[0]!.attempts;
    expect(first!.message).toEqual(small);
    expect(JSON.parse(first!.message!.body)).toEqual({ text: 'KubePodCrashLooping ✓', blocks: [{ type: 'section' }] });
    expect(second!.message).toEqual(huge);
    expect(second!.message!.truncatedFromBytes).toBe(Buffer.byteLength(JSON.stringify({ text: '€'.repeat(100_000) }, null, 2)));
    expect(Buffer.byteLength(second!.message!.body)).toBeLessThanOrEqual(MAX_SENT_MESSAGE_BYTES);
    expect(Buffer.byteLength(second!.message!.body)).toBeGreaterThan(MAX_SENT_MESSAGE_BYTES - 3);
    expect(second!.message!.body).not.toContain('\uFFFD');
    expect((await store.listNotifications({ limit: 1 })).records[0]!.jobs[0]!.attempts[1]!.message).toEqual(huge);
  });
}
