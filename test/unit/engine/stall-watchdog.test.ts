import { describe, expect, it } from 'vitest';
import { createWatchdog } from '../../../src/engine/stall-watchdog.js';
import { createSilentLogger } from '../../../src/observability/logger.js';

/** A watchdog on a clock the test moves by hand. */
function watchdogWith(state: { running: number; due: number | undefined }, thresholdMs = 60_000) {
  const clock = { now: 1_000_000 };
  const watchdog = createWatchdog({
    thresholdMs,
    jobsRunning: () => state.running,
    nextDueAt: async () => state.due,
    logger: createSilentLogger(),
    now: () => clock.now,
  });
  return { watchdog, clock };
}

describe('stall watchdog', () => {
  it('fails with its reason when jobs run and none has finished for the threshold, and clears when one finishes', async () => {
    const state = { running: 16, due: undefined };
    const { watchdog, clock } = watchdogWith(state);
    await watchdog.check();
    clock.now += 59_000;
    await watchdog.check();
    expect(watchdog.state().ok).toBe(true);
    clock.now += 2_000;
    await watchdog.check();
    const stalled = watchdog.state();
    expect(stalled.ok).toBe(false);
    expect(!stalled.ok && stalled.reason).toContain('no job has finished for 61 s');
    watchdog.jobFinished();
    expect(watchdog.state().ok).toBe(true);
  });

  it('counts from when work fell due, not from the last job of a quiet hour', async () => {
    const state: { running: number; due: number | undefined } = { running: 0, due: undefined };
    const { watchdog, clock } = watchdogWith(state);
    clock.now += 3_600_000;
    await watchdog.check();
    state.due = clock.now;
    await watchdog.check();
    expect(watchdog.state().ok).toBe(true);
    clock.now += 61_000;
    await watchdog.check();
    expect(watchdog.state().ok).toBe(false);
  });

  it('stays quiet while nothing is due, and when turned off', async () => {
    const idle = watchdogWith({ running: 0, due: Date.now() + 10 ** 9 });
    idle.clock.now += 10 ** 7;
    await idle.watchdog.check();
    expect(idle.watchdog.state().ok).toBe(true);
    const off = watchdogWith({ running: 4, due: undefined }, 0);
    await off.watchdog.check();
    off.clock.now += 10 ** 7;
    await off.watchdog.check();
    expect(off.watchdog.state().ok).toBe(true);
  });
});
