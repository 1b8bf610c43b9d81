import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/integrations/action.js';
import type { ClaimedJob } from '../../../src/store/ports/records.js';
import { createDestinationLimits } from '../../../src/engine/destination-limits.js';
import { MemoryStore } from '../../../src/store/memory/memory-store.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { alertWith, enriched, notificationOf } from '../../support/alerts.js';

const slack = {
  name: 'slack',
  type: 'slack',
  sendResolved: true,
  rateLimit: { key: 'slack:https://hooks.example/T/B/X', perSecond: 1, burst: 5 },
  handle: async () => undefined,
} as Action;
const log = { name: 'log', type: 'log', sendResolved: true, handle: async () => undefined } as Action;
const actions = new Map([
  ['slack', slack],
  ['log', log],
]);

function claimed(id: string, action: string): ClaimedJob {
  const now = Date.now();
  return {
    job: { id, notificationId: id, action, fingerprints: ['f'], state: 'running', createdAt: now, nextAttemptAt: now, attempts: [] },
    notification: enriched(notificationOf([alertWith({ alertname: 'A' })], id)),
  };
}

describe('destination limits', () => {
  it('hold every job to a destination back for the Retry-After one of them was answered with', async () => {
    const limits = createDestinationLimits(new MemoryStore({ maxPending: 10, historyLimit: 10 }), actions, createSilentLogger());
    expect(await limits.delayFor(claimed('a', 'slack'), Date.now())).toBe(0);
    const update = {
      state: 'pending' as const,
      nextAttemptAt: Date.now() + 30_000,
      retryAfterMs: 30_000,
      attempt: { at: Date.now(), durationMs: 5, outcome: 'retry' as const, error: '429' },
    };
    expect(await limits.afterAttempt(claimed('a', 'slack'), update)).toBe(update);
    // The bucket still holds four tokens of its burst; the pause wins.
    expect(await limits.delayFor(claimed('b', 'slack'), Date.now())).toBeGreaterThan(25_000);
    expect(await limits.delayFor(claimed('c', 'log'), Date.now())).toBe(0);
  });
});
