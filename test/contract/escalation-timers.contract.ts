import { expect, it } from 'vitest';
import type { DeliveryStore } from '../../src/store/ports/delivery-store.js';
import type { FireStep } from '../../src/store/ports/escalation-timers.js';
import { notificationOf, alertWith } from '../support/alerts.js';
import { openFor } from './incidents.contract.js';
import type { ContractStores } from './store-contract.js';

const LEASE_MS = 5_000;

function fire(incidentId: string, step: number, nextStepAt: number | undefined): FireStep {
  const id = `${incidentId}.step-${step}`;
  return {
    incidentId,
    step,
    run: { step, at: Date.now(), actions: ['pager'], notified: ['alice'] },
    notification: notificationOf([alertWith({ alertname: 'A' })], id),
    nextStepAt,
  };
}

async function episodeDueAt(store: DeliveryStore, at: number, notificationId = 'n1'): Promise<string> {
  const { incident } = await store.openIncident({ ...openFor(notificationId), firstStepAt: at });
  return incident.id;
}

/** What every adapter does as escalation timers: run on each by delivery-store.contract.ts. */
export function escalationTimersContract({ open, successor, sibling }: ContractStores): void {
  it('stops a chain once: nothing due any more, the episode still open and untouched otherwise', async () => {
    const store = await open();
    const now = Date.now();
    const id = await episodeDueAt(store, now);
    expect(await store.stopSteps(id, 1, now)).toBeUndefined();
    expect(await store.stopSteps(id, 0, now + 5)).toMatchObject({ id, state: 'triggered', nextStep: 0, updatedAt: now + 5 });
    expect(await store.stopSteps(id, 0, now + 6)).toBeUndefined();
    expect((await store.getIncident(id))?.nextStepAt).toBeUndefined();
    expect(await store.nextStepDueAt()).toBeUndefined();
    expect(await store.claimDueSteps(now + 60_000, 10, LEASE_MS)).toEqual([]);
  });

  it('finds a step when it falls due, and holds its claim so that it is prepared once', async () => {
    const store = await open();
    const now = Date.now();
    const id = await episodeDueAt(store, now + 1_000);
    expect(await store.nextStepDueAt()).toBe(now + 1_000);
    expect(await store.claimDueSteps(now, 10, LEASE_MS)).toEqual([]);
    const [due] = await store.claimDueSteps(now + 1_000, 10, LEASE_MS);
    expect(due?.incident).toMatchObject({ id, nextStep: 0 });
    expect(due?.notification.id).toBe('n1');
    expect(due?.notification.alerts[0]?.startsAt).toBeInstanceOf(Date);
    expect(await store.claimDueSteps(now + 1_000, 10, LEASE_MS)).toEqual([]);
  });

  it('fires a step once: its notification queued and the episode moved to the next step, in one change', async () => {
    const store = await open();
    const now = Date.now();
    const id = await episodeDueAt(store, now);
    expect(await store.fireStep(fire(id, 0, now + 60_000))).toBe(true);
    expect(await store.fireStep(fire(id, 0, now + 60_000))).toBe(false);
    expect((await store.claimNotifications(10)).map((n) => n.id)).toEqual([`${id}.step-0`]);
    expect(await store.getIncident(id)).toMatchObject({ nextStep: 1, nextStepAt: now + 60_000, runs: [{ step: 0, notified: ['alice'] }] });
    expect(await store.nextStepDueAt()).toBe(now + 60_000);
    // The last step leaves nothing due.
    expect(await store.fireStep(fire(id, 1, undefined))).toBe(true);
    expect(await store.nextStepDueAt()).toBeUndefined();
    expect(await store.claimDueSteps(now + 120_000, 10, LEASE_MS)).toEqual([]);
  });

  it('never fires a step of an acknowledged or resolved episode, and offers none of it', async () => {
    const store = await open();
    const now = Date.now();
    const id = await episodeDueAt(store, now);
    const [due] = await store.claimDueSteps(now, 10, LEASE_MS);
    await store.changeIncident(id, { to: 'acknowledged', by: { id: 'bob', name: 'bob', via: 'api' } }, now);
    expect(await store.fireStep(fire(due!.incident.id, 0, now + 1))).toBe(false);
    expect(await store.claimNotifications(10)).toEqual([]);
    expect(await store.nextStepDueAt()).toBeUndefined();
    expect(await store.claimDueSteps(now + 10 * LEASE_MS, 10, LEASE_MS)).toEqual([]);
    // Unacknowledged: due again, when the caller says.
    await store.changeIncident(id, { to: 'triggered', by: { id: 'bob', name: 'bob', via: 'api' }, nextStepAt: now + 2 }, now);
    expect(await store.nextStepDueAt()).toBe(now + 2);
    await store.changeIncident(id, { to: 'resolved' }, now);
    expect(await store.fireStep(fire(id, 0, undefined))).toBe(false);
    expect(await store.nextStepDueAt()).toBeUndefined();
  });

  if (successor !== undefined)
    it('still finds a due step after its process went away', async () => {
      const first = await open();
      const now = Date.now();
      const id = await episodeDueAt(first, now + 500);
      const second = await successor!(first);
      expect(await second.nextStepDueAt()).toBe(now + 500);
      const [due] = await second.claimDueSteps(now + 500, 10, LEASE_MS);
      expect(due?.incident.id).toBe(id);
      expect(await second.fireStep(fire(id, 0, undefined))).toBe(true);
    });

  if (sibling !== undefined) {
    it('fires a step once when two replicas fire it at the same moment', async () => {
      const first = await open();
      const second = await sibling!(first);
      const id = await episodeDueAt(first, Date.now());
      const results = await Promise.all([first.fireStep(fire(id, 0, undefined)), second.fireStep(fire(id, 0, undefined))]);
      expect(results.sort()).toEqual([false, true]);
      expect(await first.claimNotifications(10)).toHaveLength(1);
    });

    it('lets a claim on one replica keep the step from another until the claim runs out', async () => {
      const first = await open();
      const second = await sibling!(first);
      const now = Date.now();
      await episodeDueAt(first, now);
      expect(await first.claimDueSteps(now, 10, LEASE_MS)).toHaveLength(1);
      expect(await second.claimDueSteps(now, 10, LEASE_MS)).toEqual([]);
    });

    it('does not fire a step that another replica acknowledged first', async () => {
      const first = await open();
      const second = await sibling!(first);
      const id = await episodeDueAt(first, Date.now());
      await second.changeIncident(id, { to: 'acknowledged', by: { id: 'U1', name: 'carol', via: 'slack' } }, Date.now());
      expect(await first.fireStep(fire(id, 0, undefined))).toBe(false);
      expect(await first.claimNotifications(10)).toEqual([]);
    });
  }
}
