import { expect, it } from 'vitest';
import type { DeliveryStore } from '../../src/store/ports/delivery-store.js';
import type { OpenIncident } from '../../src/store/ports/incidents.js';
import { type ContractStores, note } from './store-contract.js';

const alice = { id: 'alice', name: 'alice', via: 'api' };

export function openFor(notificationId: string, groupKey = 'g1', policy = 'page-critical', id = `inc-${notificationId}`): OpenIncident {
  const now = Date.now();
  return { id, groupKey, policy, notification: note(notificationId), firstStepAt: now, now };
}

async function opened(store: DeliveryStore, notificationId: string, groupKey = 'g1'): Promise<string> {
  return (await store.openIncident(openFor(notificationId, groupKey))).incident.id;
}

/** What every adapter does with episodes (incidents): run on each by delivery-store.contract.ts. */
export function incidentsContract({ open, successor, sibling }: ContractStores): void {
  it('begins one episode per group and policy, which later notifications of the group join', async () => {
    const store = await open();
    const first = await store.openIncident(openFor('n1'));
    expect(first).toMatchObject({ opened: true, incident: { id: 'inc-n1', groupKey: 'g1', state: 'triggered', nextStep: 0 } });
    const second = await store.openIncident(openFor('n2'));
    expect(second).toMatchObject({ opened: false, incident: { id: 'inc-n1', notificationId: 'n2', openedBy: 'n1' } });
    // Another group, or another policy over the same group, is an episode of its own.
    expect((await store.openIncident(openFor('n3', 'g2'))).opened).toBe(true);
    expect((await store.openIncident(openFor('n4', 'g1', 'other'))).opened).toBe(true);
    expect((await store.getIncident('inc-n1'))?.notificationId).toBe('n2');
  });

  it('begins a new episode after the last one resolved, but not again for the notification that began it', async () => {
    const store = await open();
    const id = await opened(store, 'n1');
    expect((await store.changeIncident(id, { to: 'resolved' }, Date.now())).changed).toBe(true);
    // The same notification planned again after a crash.
    expect(await store.openIncident(openFor('n1', 'g1', 'page-critical', 'inc-again'))).toMatchObject({ opened: false });
    const next = await store.openIncident(openFor('n2'));
    expect(next).toMatchObject({ opened: true, incident: { id: 'inc-n2', state: 'triggered' } });
  });

  it('moves from triggered to acknowledged and back, and to resolved, refusing every other move', async () => {
    const store = await open();
    const id = await opened(store, 'n1');
    const at = Date.now();
    const acked = await store.changeIncident(id, { to: 'acknowledged', by: alice }, at);
    expect(acked).toMatchObject({ changed: true, incident: { state: 'acknowledged', acknowledged: { by: alice, at } } });
    expect(acked.changed ? acked.incident.nextStepAt : 'unchanged').toBeUndefined();
    expect(await store.changeIncident(id, { to: 'acknowledged', by: alice }, at)).toMatchObject({
      changed: false,
      reason: 'conflict',
      incident: { state: 'acknowledged' },
    });
    const unacked = await store.changeIncident(id, { to: 'triggered', by: alice, nextStepAt: at + 5_000 }, at + 1);
    expect(unacked).toMatchObject({ changed: true, incident: { state: 'triggered', nextStepAt: at + 5_000 } });
    expect(await store.changeIncident(id, { to: 'triggered', by: alice, nextStepAt: at }, at)).toMatchObject({ reason: 'conflict' });
    expect(await store.changeIncident(id, { to: 'resolved', by: alice }, at + 2)).toMatchObject({
      changed: true,
      incident: { state: 'resolved', resolved: { by: alice, at: at + 2 } },
    });
    expect(await store.changeIncident(id, { to: 'resolved' }, at + 3)).toMatchObject({ reason: 'conflict' });
    expect(await store.changeIncident(id, { to: 'acknowledged', by: alice }, at + 3)).toMatchObject({ reason: 'conflict' });
    expect(await store.changeIncident('no-such-id', { to: 'resolved' }, at)).toEqual({ changed: false, reason: 'not found' });
    expect(await store.getIncident('no-such-id')).toBeUndefined();
  });

  it('lists episodes by state and group, newest first', async () => {
    const store = await open();
    await opened(store, 'n1', 'g1');
    await opened(store, 'n2', 'g2');
    await opened(store, 'n3', 'g3');
    await store.changeIncident('inc-n2', { to: 'acknowledged', by: alice }, Date.now());
    await store.changeIncident('inc-n3', { to: 'resolved' }, Date.now());
    const ids = async (states: Parameters<DeliveryStore['listIncidents']>[0]['states'], groupKey?: string, limit = 10) =>
      (await store.listIncidents({ states, limit, ...(groupKey ? { groupKey } : {}) })).map((i) => i.id);
    expect(await ids(['triggered', 'acknowledged'])).toEqual(['inc-n2', 'inc-n1']);
    expect(await ids(['resolved'])).toEqual(['inc-n3']);
    expect(await ids(['triggered', 'acknowledged', 'resolved'], undefined, 2)).toEqual(['inc-n3', 'inc-n2']);
    expect(await ids(['triggered', 'acknowledged', 'resolved'], 'g2')).toEqual(['inc-n2']);
  });

  if (successor !== undefined)
    it('keeps episodes and who acknowledged them across a restart', async () => {
      const first = await open();
      const id = await opened(first, 'n1');
      await first.changeIncident(id, { to: 'acknowledged', by: alice }, 1_000);
      const second = await successor!(first);
      expect(await second.getIncident(id)).toMatchObject({ state: 'acknowledged', acknowledged: { by: alice, at: 1_000 } });
    });

  if (sibling !== undefined)
    it('begins one episode when two replicas plan notifications of the same group at once', async () => {
      const first = await open();
      const second = await sibling!(first);
      const results = await Promise.all([first.openIncident(openFor('n1')), second.openIncident(openFor('n2'))]);
      expect(results.filter((r) => r.opened)).toHaveLength(1);
      expect(await first.listIncidents({ states: ['triggered'], limit: 10 })).toHaveLength(1);
    });
}
