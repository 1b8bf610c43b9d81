import { describe, expect, it } from 'vitest';
import { ActionError } from '../../../src/integrations/action-error.js';
import type { Action } from '../../../src/integrations/action.js';
import { MemoryStore } from '../../../src/store/memory/memory-store.js';
import { runBeforeAck } from '../../../src/pipeline/run-before-ack.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import type { EnrichedNotification } from '../../../src/model/model.js';
import { alertWith, notificationOf } from '../../support/alerts.js';

function action(name: string, timing: Action['timing'], fail = false): Action & { seen: EnrichedNotification[] } {
  const seen: EnrichedNotification[] = [];
  return {
    name,
    type: 'test',
    sendResolved: false,
    timing,
    seen,
    async handle(notification) {
      seen.push(notification);
      if (fail) throw new ActionError('exit code 1', { retryable: true });
    },
  };
}

async function run(actions: Action[]) {
  const store = new MemoryStore({ maxPending: 10, historyLimit: 10 });
  const notification = notificationOf([alertWith({ alertname: 'A' }), alertWith({ alertname: 'B' }, 'resolved')], 'n1');
  await store.add(notification);
  const failures = await runBeforeAck(notification, {
    routes: [{ matchers: [], actions: actions.map((a) => a.name), continue: false }],
    actions: new Map(actions.map((a) => [a.name, a])),
    store,
    logger: createSilentLogger(),
    metrics: createMetrics({ defaultMetrics: false }),
    shutdownSignal: new AbortController().signal,
  });
  return { failures, record: await store.getNotification('n1') };
}

describe('runBeforeAck', () => {
  it('runs only before-ack actions, with the alerts they accept, and records the outcome', async () => {
    const now = action('now', 'before-ack');
    const later = action('later', undefined);
    const { failures, record } = await run([now, later]);
    expect(failures).toEqual([]);
    expect(later.seen).toEqual([]);
    expect(now.seen[0]!.alerts.map((a) => a.labels.alertname)).toEqual(['A']);
    expect(record!.jobs.map((j) => [j.action, j.state])).toEqual([['now', 'succeeded']]);
  });

  it('returns each failure once, without retrying, and records it as failed', async () => {
    const failing = action('fails', 'before-ack', true);
    const { failures, record } = await run([failing]);
    expect(failures).toEqual([{ action: 'fails', error: 'exit code 1', permanent: false }]);
    expect(failing.seen).toHaveLength(1);
    expect(record!.jobs[0]!.state).toBe('failed');
  });
});
