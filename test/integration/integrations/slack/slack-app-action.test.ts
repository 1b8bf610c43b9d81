import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionError } from '../../../../src/integrations/action-error.js';
import type { Action, ActionContext } from '../../../../src/integrations/action.js';
import type { MessageRefStore } from '../../../../src/store/ports/message-refs.js';
import { createAction, actionConfigSchema } from '../../../../src/integrations/registry.js';
import { MemoryStore } from '../../../../src/store/memory/memory-store.js';
import { SqliteStore } from '../../../../src/store/sqlite/sqlite-store.js';
import { createLogger } from '../../../../src/observability/logger.js';
import type { Alert, EnrichedNotification } from '../../../../src/model/model.js';
import { alertWith, enriched, notificationOf } from '../../../support/alerts.js';
import { startFakeSlackApi, type FakeSlackApi } from '../../../support/fake-slack-api.js';
import { createChartRenderer } from '../../../../src/charts/render-chart-png.js';

const logger = createLogger({ level: 'error', format: 'json' });
let slack: FakeSlackApi;
beforeEach(async () => {
  slack = await startFakeSlackApi([
    { id: 'C0ALERTS1', name: 'alerts', member: true },
    { id: 'C0OUTSIDE', name: 'outside', member: false },
  ]);
});
afterEach(async () => {
  await slack.close();
});

function appAction(overrides: Record<string, unknown> = {}): Action {
  const config = actionConfigSchema.parse({ type: 'slack', bot_token: slack.token, channel: '#alerts', api_url: slack.url, ...overrides });
  return createAction('oncall', config, { logger, charts: createChartRenderer() });
}

const context = (messageRefs: MessageRefStore): ActionContext => ({
  logger,
  signal: new AbortController().signal,
  attempt: 1,
  messageRefs,
});

let sequence = 0;
function group(alerts: Alert[]): EnrichedNotification {
  sequence += 1;
  // Later notifications arrive later, as Alertmanager sends them.
  return {
    ...enriched(notificationOf(alerts, `n-${sequence}`)),
    groupKey: '{}:{alertname="KubePodCrashLooping"}',
    receivedAt: new Date(Date.UTC(2026, 10, 22, 12, sequence)),
  };
}
const pod = (name: string, status: 'firing' | 'resolved' = 'firing') =>
  alertWith({ alertname: 'KubePodCrashLooping', namespace: 'shop', pod: name }, status);

describe('slack app action', () => {
  it('keeps one message per episode: fires, grows, partly resolves, resolves; the changes in its thread', async () => {
    const action = appAction();
    const refs = new MemoryStore({ maxPending: 10, historyLimit: 10 });
    await action.handle(group([pod('cart-1'), pod('cart-2')]), context(refs));
    await action.handle(group([pod('cart-1'), pod('cart-2'), pod('cart-3')]), context(refs));
    await action.handle(group([pod('cart-1', 'resolved'), pod('cart-2', 'resolved'), pod('cart-3')]), context(refs));
    await action.handle(group([pod('cart-1', 'resolved'), pod('cart-2', 'resolved'), pod('cart-3', 'resolved')]), context(refs));

    const [message, ...others] = slack.topLevel();
    expect(others).toEqual([]);
    expect(message!.channel).toBe('C0ALERTS1');
    expect(message!.edits).toBe(3);
    const attachment = message!.attachments[0]!;
    expect(attachment.color).toBe('#2EB67D');
    const text = JSON.stringify(attachment.blocks);
    expect(text).toContain('RESOLVED: KubePodCrashLooping (3)');
    expect(text).toContain('Resolved after 30 min');
    expect(text).not.toContain('silence_1h');
    expect(message!.metadata).toMatchObject({
      event_type: 'alertpipe_group',
      event_payload: { group_key: '{}:{alertname="KubePodCrashLooping"}' },
    });
    expect((message!.metadata?.event_payload?.fingerprints as string[]).length).toBe(3);
    expect(slack.thread(message!.ts).map((m) => m.text)).toEqual([
      '🔥 a 3rd alert joined: pod=cart-3',
      '✅ 2 alerts resolved, 1 still firing',
      '✅ all 3 alerts resolved after 30 min',
    ]);
    // The channel was named: looked up once, its ID used for every edit.
    expect(slack.calls('conversations.list')).toHaveLength(1);
    expect(slack.calls('chat.update').every((call) => call.channel === 'C0ALERTS1')).toBe(true);
  });

  it('starts a new message when the group fires again after it fully resolved', async () => {
    const action = appAction();
    const refs = new MemoryStore({ maxPending: 10, historyLimit: 10 });
    await action.handle(group([pod('cart-1')]), context(refs));
    await action.handle(group([pod('cart-1', 'resolved')]), context(refs));
    await action.handle(group([pod('cart-1')]), context(refs));
    expect(slack.topLevel()).toHaveLength(2);
    expect(JSON.stringify(slack.topLevel()[1]!.attachments)).toContain('FIRING');
  });

  it('says a repeat in the thread without a new message', async () => {
    const action = appAction();
    const refs = new MemoryStore({ maxPending: 10, historyLimit: 10 });
    await action.handle(group([pod('cart-1')]), context(refs));
    await action.handle(group([pod('cart-1')]), context(refs));
    expect(slack.topLevel()).toHaveLength(1);
    expect(slack.thread(slack.topLevel()[0]!.ts).map((m) => m.text)).toEqual(['🔁 still firing: 1 alert (repeat)']);
  });

  it('edits the same message after a restart, its reference read back from SQLite', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-slack-'));
    try {
      const first = new SqliteStore({ maxPending: 10, historyLimit: 10, dataDir: dir });
      await appAction().handle(group([pod('cart-1')]), context(first));
      await first.close();
      const second = new SqliteStore({ maxPending: 10, historyLimit: 10, dataDir: dir });
      await appAction().handle(group([pod('cart-1', 'resolved')]), context(second));
      await second.close();
      expect(slack.topLevel()).toHaveLength(1);
      expect(slack.topLevel()[0]!.edits).toBe(1);
      expect(JSON.stringify(slack.topLevel()[0]!.attachments)).toContain('RESOLVED');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(['message_not_found', 'cant_update_message', 'edit_window_closed'])(
    'posts a fresh message and remembers it when chat.update answers %s',
    async (code) => {
      const action = appAction();
      const refs = new MemoryStore({ maxPending: 10, historyLimit: 10 });
      await action.handle(group([pod('cart-1')]), context(refs));
      slack.failNext('chat.update', code);
      await action.handle(group([pod('cart-1'), pod('cart-2')]), context(refs));
      await action.handle(group([pod('cart-1', 'resolved'), pod('cart-2', 'resolved')]), context(refs));
      const [old, fresh] = slack.topLevel();
      expect(old!.edits).toBe(0);
      expect(fresh!.edits).toBe(1);
      expect(slack.thread(fresh!.ts).length).toBe(2);
    },
  );

  it.each([
    ['invalid_auth', { bot_token: 'xoxb-wrong-token' }, /bot token is not valid/],
    ['channel_not_found', { channel: '#nowhere' }, /no channel named #nowhere the bot can see/],
    ['not_in_channel', { channel: 'C0OUTSIDE' }, /not a member of C0OUTSIDE: type \/invite/],
  ])('fails once, not retryable, on %s, saying what to do', async (_code, overrides, advice) => {
    const action = appAction(overrides);
    const error = await action
      .handle(group([pod('cart-1')]), context(new MemoryStore({ maxPending: 10, historyLimit: 10 })))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).retryable).toBe(false);
    expect((error as Error).message).toMatch(advice);
    expect((error as Error).message).not.toContain('xoxb-wrong-token');
  });

  it('hands a 429 back to delivery with its Retry-After instead of waiting in the client', async () => {
    const action = appAction();
    slack.rateLimitNext(7);
    const error = (await action
      .handle(group([pod('cart-1')]), context(new MemoryStore({ maxPending: 10, historyLimit: 10 })))
      .catch((e: unknown) => e)) as ActionError;
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(7000);
    expect(slack.standIn.requests).toHaveLength(1);
  });

  it('aborts the call to Slack when the attempt is aborted', async () => {
    const action = appAction();
    slack.standIn.respondWith(() => ({ status: 200, body: { ok: true }, delayMs: 60_000 }));
    const controller = new AbortController();
    const pending = action.handle(group([pod('cart-1')]), {
      ...context(new MemoryStore({ maxPending: 10, historyLimit: 10 })),
      signal: controller.signal,
    });
    await slack.standIn.waitForRequests(1);
    controller.abort(new Error('attempt timed out'));
    const error = (await pending.catch((e: unknown) => e)) as ActionError;
    expect(error.message).toMatch(/cancelled: attempt timed out/);
    expect(error.retryable).toBe(true);
  });

  it('posts one message when two notifications of a new group arrive at once', async () => {
    const action = appAction();
    const refs = new MemoryStore({ maxPending: 10, historyLimit: 10 });
    await Promise.all([
      action.handle(group([pod('cart-1')]), context(refs)),
      action.handle(group([pod('cart-1'), pod('cart-2')]), context(refs)),
    ]);
    expect(slack.topLevel()).toHaveLength(1);
  });
});

describe('slack app action within Slack limits', () => {
  it('posts a group of 100 alerts with long text that Slack accepts, buttons and status line included', async () => {
    const action = appAction({ max_alerts: 15 });
    const long = 'x'.repeat(5000);
    const alerts = Array.from({ length: 100 }, (_, i) =>
      alertWith({ alertname: 'KubePodCrashLooping', namespace: 'shop', pod: `cart-${i}` }, 'firing', { description: long }),
    );
    const refs = new MemoryStore({ maxPending: 10, historyLimit: 10 });
    await action.handle(group(alerts), context(refs));
    await action.handle(
      group(alerts.map((a) => ({ ...a, status: 'resolved' as const, endsAt: new Date('2026-11-22T12:30:00Z') }))),
      context(refs),
    );
    const [message] = slack.topLevel();
    expect(message!.edits).toBe(1);
    const blocks = message!.attachments[0]!.blocks as Array<{ type: string }>;
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(blocks)).toContain('more alerts');
    expect(action.preview!(group(alerts)).problems).toEqual([]);
  });
});
