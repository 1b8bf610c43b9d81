import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/integrations/action.js';
import { ActionError } from '../../../src/integrations/action-error.js';
import { runJob } from '../../../src/pipeline/run-job.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import type { HistoryEvent, Job } from '../../../src/store/ports/records.js';
import { alertWith, enriched, notificationOf } from '../../support/alerts.js';

const metrics = createMetrics({ defaultMetrics: false });
const logger = createSilentLogger();
const notification = enriched(notificationOf([alertWith({ alertname: 'DiskFull' })], 'n1'));
const job: Job = {
  id: 'n1:chat',
  notificationId: 'n1',
  action: 'chat',
  fingerprints: notification.alerts.map((a) => a.fingerprint),
  state: 'running',
  createdAt: Date.now(),
  nextAttemptAt: Date.now(),
  attempts: [],
};

function chat(fail: boolean): Action {
  return {
    name: 'chat',
    type: 'slack',
    sendResolved: true,
    async handle(_n, ctx) {
      ctx.report?.templateFellBack('title', 'undefined variable: commonLables');
      ctx.report?.sent({ contentType: 'application/json', body: { text: 'DiskFull on pg-0' } });
      if (fail) throw new ActionError('Slack answered 400 invalid_blocks', { retryable: false });
    },
  };
}

async function attempt(action: Action) {
  const events: Array<{ id: string; event: HistoryEvent }> = [];
  const store = { recordEvent: async (id: string, event: HistoryEvent) => void events.push({ id, event }) };
  const update = await runJob(
    { job, notification },
    {
      actions: new Map([['chat', action]]),
      logger,
      metrics,
      retryPolicy: { initialBackoffMs: 10, maxBackoffMs: 10, maxAgeMs: 60_000 },
      shutdownSignal: new AbortController().signal,
      store: store as never,
    },
  );
  return { update, events };
}

describe('an attempt’s report', () => {
  it('keeps the message as the action sent it with the attempt, and records a template fallback in the history', async () => {
    const { update, events } = await attempt(chat(false));
    expect(update.attempt).toMatchObject({ outcome: 'success', message: { contentType: 'application/json' } });
    expect(JSON.parse(update.attempt.message!.body)).toEqual({ text: 'DiskFull on pg-0' });
    expect(events).toEqual([
      {
        id: 'n1',
        event: expect.objectContaining({
          kind: 'template-fallback',
          action: 'chat',
          fingerprints: job.fingerprints,
          detail: 'template "title" failed (undefined variable: commonLables); its default was sent',
        }),
      },
    ]);
  });

  it('keeps what a failed attempt tried to send', async () => {
    const { update } = await attempt(chat(true));
    expect(update.state).toBe('failed');
    expect(update.attempt.error).toContain('invalid_blocks');
    expect(JSON.parse(update.attempt.message!.body)).toEqual({ text: 'DiskFull on pg-0' });
  });

  it('keeps no message for an action that sends none', async () => {
    const { update, events } = await attempt({ name: 'chat', type: 'exec', sendResolved: true, handle: async () => undefined });
    expect(update.attempt.message).toBeUndefined();
    expect(events).toEqual([]);
  });
});
