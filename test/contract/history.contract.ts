import { expect, it } from 'vitest';
import { alertWith, enriched, notificationOf } from '../support/alerts.js';
import { type ContractStores, note } from './store-contract.js';

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
    const routed = { at: 1, kind: 'unrouted', fingerprints: ['f1'] } as const;
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
}
