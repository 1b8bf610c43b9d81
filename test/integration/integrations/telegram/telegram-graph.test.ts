import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { MemoryStore } from '../../../../src/store/memory/memory-store.js';
import { attemptContext, chatAction, enrichedGroup, withGraph } from '../../../support/chat-platforms.js';
import { startFakeTelegram, type FakeTelegram } from '../../../support/fake-telegram.js';

let telegram: FakeTelegram;
beforeAll(async () => {
  telegram = await startFakeTelegram();
});
afterAll(() => telegram.close());
beforeEach(() => {
  telegram.resetFlood();
  telegram.failWith(undefined);
});

const telegramAction = (fields: Record<string, unknown> = {}) =>
  chatAction('telegram', { bot_token: telegram.token, api_url: telegram.url, chat_id: telegram.chatId, ...fields });
const withStore = (store: MemoryStore) => ({ ...attemptContext(), messageRefs: store, firstPostClaims: store });
const memory = () => new MemoryStore({ maxPending: 10, historyLimit: 10 });

describe('the graph under a Telegram message', () => {
  it('a new message is followed by the graph PNG as a photo replying to it, sent as multipart, silently', async () => {
    const before = telegram.photos.length;
    const result = await telegramAction().handle(withGraph(enrichedGroup()), withStore(memory()));
    const messageId = (result as { data: { message_id: number } }).data.message_id;
    const [photo] = telegram.photos.slice(before);
    expect(photo?.replyTo).toBe(messageId);
    expect(photo?.silent).toBe(true);
    expect(photo?.caption).toBe('📈 shop/cart: CPU, the last hour');
    const png = PNG.sync.read(photo!.png);
    expect(png.width).toBeGreaterThan(100);
    expect((result as { detail: string }).detail).toMatch(/1 graph as photos/);
  });

  it('an edit of the message posts no second photo, and a retry of the first posts none again', async () => {
    const store = memory();
    const action = telegramAction();
    const firing = withGraph(enrichedGroup());
    const before = telegram.photos.length;
    await action.handle(firing, withStore(store));
    await action.handle(firing, withStore(store));
    await action.handle({ ...firing, id: 'repeat-1', receivedAt: new Date(firing.receivedAt.getTime() + 60_000) }, withStore(store));
    expect(telegram.photos.length - before).toBe(1);
  });

  it('a photo Telegram refuses falls back to its caption as text, and the message stays delivered', async () => {
    telegram.failNext('sendPhoto', { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: IMAGE_PROCESS_FAILED' } });
    const before = telegram.photos.length;
    const result = await telegramAction().handle(withGraph(enrichedGroup()), withStore(memory()));
    expect(telegram.photos.length).toBe(before);
    const fallback = telegram.calls.filter((c) => c.method === 'sendMessage').at(-1);
    expect(fallback?.params.text).toMatch(/^📈 shop\/cart: CPU, the last hour \(the picture could not be sent: .*IMAGE_PROCESS_FAILED/);
    expect((result as { detail: string }).detail).toMatch(/a graph as text/);
  });

  it('a long subject is cut to the caption limit of 1,024 characters', async () => {
    const long = withGraph(enrichedGroup());
    const [first, ...rest] = long.alerts;
    const graph = { ...(first!.enrichment.graph!.data!.graph as object), subject: 'x'.repeat(2_000) };
    const before = telegram.photos.length;
    await telegramAction().handle(
      { ...long, alerts: [{ ...first!, enrichment: { ...first!.enrichment, graph: { fields: [], data: { graph } } } }, ...rest] },
      withStore(memory()),
    );
    expect(telegram.photos[before]?.caption.length).toBe(1_024);
  });

  it('graph: false posts no photo', async () => {
    const before = telegram.photos.length;
    await telegramAction({ graph: false }).handle(withGraph(enrichedGroup()), withStore(memory()));
    expect(telegram.photos.length).toBe(before);
  });
});

describe('the first-post claim', () => {
  it('of three deliveries of a new group at once (three replicas), one sends the message and the others edit it', async () => {
    const store = memory();
    const group = enrichedGroup();
    // New messages, not the replies under one.
    const posts = () => telegram.calls.filter((c) => c.method === 'sendMessage' && c.params.reply_parameters === undefined).length;
    const sentBefore = posts();
    // One action each, as three replicas have: only the store's claim keeps them from all posting.
    const replicas = [telegramAction(), telegramAction(), telegramAction()];
    const results = await Promise.all(
      replicas.map((action, i) =>
        action.handle({ ...group, id: `copy-${i}`, receivedAt: new Date(group.receivedAt.getTime() + i) }, withStore(store)),
      ),
    );
    expect(posts() - sentBefore).toBe(1);
    const ids = new Set(results.map((r) => (r as { data: { message_id: number } }).data.message_id));
    expect(ids.size).toBe(1);
  });
});
