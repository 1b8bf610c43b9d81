import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Action, ActionContext } from '../../../../src/integrations/action.js';
import type { MessageRefStore } from '../../../../src/store/ports/message-refs.js';
import { MemoryStore } from '../../../../src/store/memory/memory-store.js';
import { SqliteStore } from '../../../../src/store/sqlite/sqlite-store.js';
import { createSilentLogger } from '../../../../src/observability/logger.js';
import type { Alert, EnrichedNotification } from '../../../../src/model/model.js';
import { alertWith, enriched, notificationOf } from '../../../support/alerts.js';
import { chatAction, failureOf } from '../../../support/chat-platforms.js';
import { startFakeMattermost, type FakeMattermost } from '../../../support/fake-mattermost.js';

let mm: FakeMattermost;
beforeEach(async () => {
  mm = await startFakeMattermost();
});
afterEach(() => mm.close());

const botAction = (fields: Record<string, unknown> = {}): Action =>
  chatAction('mattermost', { bot_token: mm.token, api_url: mm.url, channel_id: mm.channelId, ...fields }, 'oncall');
const context = (messageRefs: MessageRefStore): ActionContext => ({
  logger: createSilentLogger(),
  signal: new AbortController().signal,
  attempt: 1,
  messageRefs,
});
const memory = () => new MemoryStore({ maxPending: 10, historyLimit: 10 });

let sequence = 0;
function group(alerts: Alert[]): EnrichedNotification {
  sequence += 1;
  return {
    ...enriched(notificationOf(alerts, `n-${sequence}`)),
    groupKey: '{}:{alertname="KubePodCrashLooping"}',
    receivedAt: new Date(Date.UTC(2026, 10, 22, 12, sequence)),
  };
}
const pod = (name: string, status: 'firing' | 'resolved' = 'firing') =>
  alertWith({ alertname: 'KubePodCrashLooping', namespace: 'shop', pod: name }, status);
const titleOf = (post: { props: { attachments?: { title?: string }[] } }) => post.props.attachments?.[0]?.title;

describe('mattermost bot', () => {
  it('posts once with its token, then edits the same post as the group grows and resolves', async () => {
    const refs = memory();
    await botAction().handle(group([pod('cart-1')]), context(refs));
    await botAction().handle(group([pod('cart-1'), pod('cart-2')]), context(refs));
    await botAction().handle(group([pod('cart-1', 'resolved'), pod('cart-2', 'resolved')]), context(refs));
    expect(mm.posts).toHaveLength(1);
    const [post] = mm.posts;
    expect(post).toMatchObject({ via: 'bot', channel_id: mm.channelId, edits: 2 });
    expect(titleOf(post!)).toBe('✅ RESOLVED: KubePodCrashLooping (2)');
    expect(post!.props.attachments![0]!.color).toBe('#2EB67D');
    const calls = mm.standIn.requests.map((r) => `${r.method} ${r.url}`);
    expect(calls).toEqual(['POST /api/v4/posts', `PUT /api/v4/posts/${post!.id}`, `PUT /api/v4/posts/${post!.id}`]);
    expect(mm.standIn.requests.every((r) => r.headers.authorization === `Bearer ${mm.token}`)).toBe(true);
  });

  it('edits the same post after a restart, its id read back from SQLite', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-mattermost-'));
    try {
      const first = new SqliteStore({ maxPending: 10, historyLimit: 10, dataDir: dir });
      await botAction().handle(group([pod('cart-1')]), context(first));
      await first.close();
      const second = new SqliteStore({ maxPending: 10, historyLimit: 10, dataDir: dir });
      await botAction().handle(group([pod('cart-1', 'resolved')]), context(second));
      await second.close();
      expect(mm.posts).toHaveLength(1);
      expect(mm.posts[0]!.edits).toBe(1);
      expect(titleOf(mm.posts[0]!)).toBe('✅ RESOLVED: KubePodCrashLooping');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts a new post when the group fires again after it resolved, and when its post was deleted', async () => {
    const refs = memory();
    const action = botAction();
    await action.handle(group([pod('cart-1')]), context(refs));
    await action.handle(group([pod('cart-1', 'resolved')]), context(refs));
    await action.handle(group([pod('cart-1')]), context(refs));
    expect(mm.posts).toHaveLength(2);
    mm.deletePost(mm.posts[1]!.id);
    await action.handle(group([pod('cart-1'), pod('cart-2')]), context(refs));
    expect(mm.posts).toHaveLength(3);
    await action.handle(group([pod('cart-1', 'resolved'), pod('cart-2', 'resolved')]), context(refs));
    expect(mm.posts[2]!.edits).toBe(1);
  });

  it('leaves the post alone for a notification older than the one it shows', async () => {
    const refs = memory();
    const older = group([pod('cart-1')]);
    const newer = group([pod('cart-1', 'resolved')]);
    await botAction().handle(newer, context(refs));
    const result = await botAction().handle(older, context(refs));
    expect(result).toMatchObject({ data: { outcome: 'stale' } });
    expect(mm.posts).toHaveLength(1);
    expect(mm.posts[0]!.edits).toBe(0);
  });

  it('posts one message when two notifications of a new group arrive at once', async () => {
    const refs = memory();
    const action = botAction();
    await Promise.all([
      action.handle(group([pod('cart-1')]), context(refs)),
      action.handle(group([pod('cart-1'), pod('cart-2')]), context(refs)),
    ]);
    expect(mm.posts).toHaveLength(1);
  });

  it('does not retry a token the server refuses or a channel the bot is not in, and keeps the token out', async () => {
    const wrong = await failureOf(botAction({ bot_token: 'not-the-token-0000' }), group([pod('cart-1')]));
    expect(wrong).toMatchObject({ retryable: false, status: 401 });
    expect(wrong.message).toBe(
      'Mattermost answered 401: Invalid or expired session, please login again. (api.context.session_expired.app_error)',
    );
    const outside = await failureOf(botAction({ channel_id: mm.outsideChannelId }), group([pod('cart-1')]));
    expect(outside).toMatchObject({ retryable: false, status: 403 });
    mm.failWith({ status: 400, body: { id: 'x', message: `token ${mm.token} refused`, status_code: 400 } });
    expect((await failureOf(botAction(), group([pod('cart-1')]))).message).not.toContain(mm.token);
  });

  it('hands a 429 on an edit back with its Retry-After, and edits on the retry instead of posting twice', async () => {
    const refs = memory();
    await botAction().handle(group([pod('cart-1')]), context(refs));
    mm.setRateLimit(0, 3_000);
    const resolve = group([pod('cart-1', 'resolved')]);
    const error = await botAction()
      .handle(resolve, context(refs))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: true, status: 429, retryAfterMs: 3_000 });
    mm.setRateLimit(10, 1_000);
    await botAction().handle(resolve, context(refs));
    expect(mm.posts).toHaveLength(1);
    expect(titleOf(mm.posts[0]!)).toBe('✅ RESOLVED: KubePodCrashLooping');
  });

  it('sets the name and picture overrides as post props', async () => {
    await botAction({ username: 'alertpipe', icon_url: 'https://example.com/a.png' }).handle(group([pod('cart-1')]), context(memory()));
    expect(mm.posts[0]!.props).toMatchObject({ override_username: 'alertpipe', override_icon_url: 'https://example.com/a.png' });
  });
});
