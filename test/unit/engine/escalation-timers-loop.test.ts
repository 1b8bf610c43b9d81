import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createEscalationTimersLoop } from '../../../src/engine/escalation-timers-loop.js';
import type { EscalationPolicy } from '../../../src/oncall/escalation-policy.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { createLogger, createSilentLogger } from '../../../src/observability/logger.js';
import { MemoryStore } from '../../../src/store/memory/memory-store.js';
import type { EscalationTimersDeps } from '../../../src/engine/escalation-timers-loop.js';
import { alertWith, notificationOf } from '../../support/alerts.js';
import { until } from '../../support/until.js';

const policy: EscalationPolicy = {
  name: 'page',
  repeat: 0,
  steps: [
    { after: 0, actions: ['chat'] },
    { after: 300, actions: ['pager'] },
  ],
};

async function storeWithEpisode(firstStepAt: number): Promise<MemoryStore> {
  const store = new MemoryStore({ maxPending: 100, historyLimit: 100 });
  const notification = notificationOf([alertWith({ alertname: 'Down' })], 'n1');
  await store.openIncident({ id: 'e1', groupKey: notification.groupKey, policy: 'page', notification, firstStepAt, now: Date.now() });
  return store;
}

function loopOver(store: EscalationTimersDeps['store'], queued: () => void = () => undefined, maxIdleMs = 5_000) {
  return createEscalationTimersLoop({
    store,
    policies: () => new Map([['page', policy]]),
    onCall: () => undefined,
    logger: createSilentLogger(),
    metrics: createMetrics({ defaultMetrics: false }),
    onQueued: queued,
    maxIdleMs,
  });
}

describe('the escalation timers loop', () => {
  it('runs each step when it falls due, not before, and its notification is queued', async () => {
    const start = Date.now();
    const store = await storeWithEpisode(start + 200);
    const fired: number[] = [];
    const loop = loopOver(store, () => fired.push(Date.now() - start));
    loop.start();
    await until(() => fired.length === 2, 3_000, 'two steps');
    await loop.stop();
    expect(fired[0]).toBeGreaterThanOrEqual(200);
    expect(fired[0]).toBeLessThan(400);
    // Step 2 is due 300 ms after step 1 ran.
    expect((fired[1] ?? 0) - (fired[0] ?? 0)).toBeGreaterThanOrEqual(290);
    expect((fired[1] ?? 0) - (fired[0] ?? 0)).toBeLessThan(500);
    const [job] = await store.claimNotifications(10);
    expect(job?.escalation).toMatchObject({ incident: 'e1', step: 1 });
  });

  it('a kick finds an episode begun while it slept, long before its idle wake-up', async () => {
    const store = new MemoryStore({ maxPending: 100, historyLimit: 100 });
    let fired = 0;
    const loop = loopOver(store, () => fired++, 60_000);
    loop.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const notification = notificationOf([alertWith({ alertname: 'Down' })], 'n1');
    await store.openIncident({
      id: 'e1',
      groupKey: notification.groupKey,
      policy: 'page',
      notification,
      firstStepAt: Date.now(),
      now: Date.now(),
    });
    loop.kick();
    await until(() => fired === 1, 1_000, 'the kicked step');
    await loop.stop();
  });

  it('backs off while the store fails, and walks on once it works again', async () => {
    const store = await storeWithEpisode(Date.now());
    let calls = 0;
    let failing = true;
    const flaky: EscalationTimersDeps['store'] = {
      claimDueSteps: (...args) => {
        calls++;
        return failing ? Promise.reject(new Error('disk full')) : store.claimDueSteps(...args);
      },
      nextStepDueAt: () => store.nextStepDueAt(),
      fireStep: (fire) => store.fireStep(fire),
      stopSteps: (...args) => store.stopSteps(...args),
      getNotification: (id) => store.getNotification(id),
      recordEvent: (id, event) => store.recordEvent(id, event),
    };
    let fired = 0;
    const loop = loopOver(flaky, () => fired++);
    loop.start();
    await new Promise((resolve) => setTimeout(resolve, 700));
    // 100, 200, 400 ms apart: a handful of tries, not a tight loop.
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(calls).toBeLessThanOrEqual(5);
    failing = false;
    await until(() => fired >= 1, 3_000, 'a step once the store works');
    await loop.stop();
  });

  it('does not spin on a due step another process holds the claim of', async () => {
    const store = await storeWithEpisode(Date.now());
    // Another replica claimed it and is preparing it.
    expect(await store.claimDueSteps(Date.now(), 10, 60_000)).toHaveLength(1);
    let claims = 0;
    const counting: EscalationTimersDeps['store'] = {
      claimDueSteps: (...args) => (claims++, store.claimDueSteps(...args)),
      nextStepDueAt: () => store.nextStepDueAt(),
      fireStep: (fire) => store.fireStep(fire),
      stopSteps: (...args) => store.stopSteps(...args),
      getNotification: (id) => store.getNotification(id),
      recordEvent: (id, event) => store.recordEvent(id, event),
    };
    const loop = loopOver(counting);
    loop.start();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await loop.stop();
    expect(claims).toBeGreaterThanOrEqual(1);
    expect(claims).toBeLessThanOrEqual(3);
  });

  it('stops at once from its sleep, leaving no timer behind, and runs no step after it stopped', async () => {
    const store = await storeWithEpisode(Date.now() + 300);
    let fired = 0;
    const loop = loopOver(store, () => fired++);
    loop.start();
    const began = Date.now();
    await loop.stop();
    expect(Date.now() - began).toBeLessThan(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fired).toBe(0);
  });
});

describe('an episode whose policy a reload removed', () => {
  it('stops stepping, is logged once and says so in its history, while another policy walks on', async () => {
    const store = new MemoryStore({ maxPending: 100, historyLimit: 100 });
    const now = Date.now();
    for (const [id, name] of [
      ['gone', 'Gone'],
      ['kept', 'Kept'],
    ] as const) {
      const notification = notificationOf([alertWith({ alertname: name })], `n-${id}`);
      await store.add(notification);
      const policyName = id === 'gone' ? 'removed' : 'page';
      await store.openIncident({ id, groupKey: notification.groupKey, policy: policyName, notification, firstStepAt: now, now });
    }
    const lines: Array<Record<string, unknown>> = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
        callback();
      },
    });
    const fired: string[] = [];
    const loop = createEscalationTimersLoop({
      store,
      policies: () => new Map([['page', policy]]),
      onCall: () => undefined,
      logger: createLogger({ level: 'debug', format: 'json', stream }),
      metrics: createMetrics({ defaultMetrics: false }),
      onQueued: () => fired.push('kept'),
      // Claims lapse fast: a chain left waiting would be claimed, and logged, again and again.
      leaseMs: 50,
    });
    loop.start();
    await until(() => fired.length === 2, 3_000, "the kept policy's two steps");
    await new Promise((resolve) => setTimeout(resolve, 400));
    await loop.stop();
    const stoppedLines = lines.filter((line) => String(line.message).includes('no longer configured'));
    expect(stoppedLines).toEqual([expect.objectContaining({ level: 'warn', incident: 'gone', policy: 'removed', step: 1 })]);
    expect(await store.getIncident('gone')).toMatchObject({ state: 'triggered', nextStep: 0, runs: [] });
    expect((await store.getIncident('gone'))?.nextStepAt).toBeUndefined();
    expect(await store.nextStepDueAt()).toBeUndefined();
    const events = (await store.getNotification('n-gone'))?.events ?? [];
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'escalation-stopped',
        incident: 'gone',
        policy: 'removed',
        detail: expect.stringMatching(/no longer configured/),
      }),
    ]);
    // Still open: it can be acknowledged and resolved as any other.
    expect(await store.changeIncident('gone', { to: 'acknowledged', by: { id: 'u', name: 'u', via: 'api' } }, Date.now())).toMatchObject({
      changed: true,
    });
  });
});
