import { describe, expect, it } from 'vitest';
import { createIncidentControl } from '../../../../src/pipeline/escalation/incident-control.js';
import type { EscalationPolicy } from '../../../../src/oncall/escalation-policy.js';
import { createSilentLogger } from '../../../../src/observability/logger.js';
import { MemoryStore } from '../../../../src/store/memory/memory-store.js';
import { alertWith, notificationOf } from '../../../support/alerts.js';

const policy: EscalationPolicy = {
  name: 'page',
  repeat: 0,
  steps: [
    { after: 0, actions: ['chat'] },
    { after: 60_000, actions: ['pager'] },
  ],
};
const alice = { id: 'U1', name: 'alice', via: 'console' };

async function episode() {
  const store = new MemoryStore({ maxPending: 100, historyLimit: 100 });
  const notification = notificationOf([alertWith({ alertname: 'Down' })], 'n1');
  await store.add(notification);
  const { incident } = await store.openIncident({
    id: 'e1',
    groupKey: notification.groupKey,
    policy: 'page',
    notification,
    firstStepAt: 1_000,
    now: 1_000,
  });
  let clock = 5_000;
  let restarts = 0;
  const control = createIncidentControl({
    store,
    policies: () => new Map([['page', policy]]),
    logger: createSilentLogger(),
    onRestart: () => restarts++,
    now: () => clock,
  });
  return { store, control, incident, notification, tick: (ms: number) => (clock += ms), restarts: () => restarts };
}

describe('IncidentControl', () => {
  it('acknowledging stops the chain: nothing is due, and the history says who did it and from where', async () => {
    const { store, control, notification } = await episode();
    const result = await control.command({ groupKey: notification.groupKey }, 'acknowledge', alice);
    expect(result).toMatchObject({ done: true, incident: { state: 'acknowledged', acknowledged: { by: alice, at: 5_000 } } });
    expect(await store.nextStepDueAt()).toBeUndefined();
    expect(await store.claimDueSteps(10_000_000, 10, 1_000)).toEqual([]);
    const record = await store.getNotification('n1');
    expect(record?.events.at(-1)).toMatchObject({ kind: 'acknowledged', by: alice, incident: 'e1', at: 5_000 });
    expect(record?.events.at(-1)?.fingerprints).toEqual([notification.alerts[0]?.fingerprint]);
  });

  it('unacknowledging walks on from the next step, due its delay from now', async () => {
    const { store, control, tick, restarts } = await episode();
    await control.command({ id: 'e1' }, 'acknowledge', alice);
    tick(10_000);
    const result = await control.command({ id: 'e1' }, 'unacknowledge', alice);
    // Step 1 (after 0) is the next one: due at once, counted from now.
    expect(result).toMatchObject({ done: true, incident: { state: 'triggered', nextStep: 0, nextStepAt: 15_000 } });
    expect(await store.nextStepDueAt()).toBe(15_000);
    expect(restarts()).toBe(1);
    expect((await store.getNotification('n1'))?.events.at(-1)).toMatchObject({ kind: 'unacknowledged', by: alice });
  });

  it('resolving ends the episode; a second resolve or acknowledge is a conflict with a plain message', async () => {
    const { control } = await episode();
    expect(await control.command({ id: 'e1' }, 'resolve', alice)).toMatchObject({ done: true, incident: { state: 'resolved' } });
    const again = await control.command({ id: 'e1' }, 'acknowledge', alice);
    expect(again).toMatchObject({ done: false, reason: 'conflict', message: 'cannot acknowledge episode e1: it is resolved' });
  });

  it('acknowledging twice names who did it first', async () => {
    const { control } = await episode();
    await control.command({ id: 'e1' }, 'acknowledge', alice);
    const again = await control.command({ id: 'e1' }, 'acknowledge', { id: 'U2', name: 'bob', via: 'Slack' });
    expect(again).toMatchObject({ reason: 'conflict', message: 'cannot acknowledge episode e1: it is acknowledged by alice (console)' });
  });

  it('an unknown id or a group with no episode is not found', async () => {
    const { control } = await episode();
    expect(await control.command({ id: 'nope' }, 'acknowledge', alice)).toEqual({ done: false, reason: 'not found' });
    expect(await control.command({ groupKey: '{}:{x="y"}' }, 'resolve', alice)).toEqual({ done: false, reason: 'not found' });
  });
});
