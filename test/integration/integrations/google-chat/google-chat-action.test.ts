import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { attemptContext, chatAction, enrichedGroup, failureOf } from '../../../support/chat-platforms.js';
import { startFakeGoogleChat, type FakeGoogleChat } from '../../../support/fake-google-chat.js';
import { fixtureText } from '../../../support/fixtures.js';
import { startTestService } from '../../../support/test-service.js';

let chat: FakeGoogleChat;
beforeAll(async () => {
  chat = await startFakeGoogleChat();
});
afterAll(() => chat.close());
afterEach(() => chat.failWith(undefined));

const cardOf = (message: Record<string, unknown>) =>
  (message.cardsV2 as [{ card: { header: { title: string }; sections: { header?: string; widgets: Record<string, unknown>[] }[] } }])[0]
    .card;

describe('google chat action', () => {
  it('posts one card with the enrichment, notes and a Silence button', async () => {
    await chatAction('google_chat', { webhook_url: chat.url }).handle(enrichedGroup(), attemptContext());
    const card = cardOf(chat.accepted.at(-1)!.message);
    expect(card.header.title).toBe('🔥 FIRING: KubePodCrashLooping (2)');
    const widgets = JSON.stringify(card.sections);
    expect(widgets).toContain('"topLabel":"CPU"');
    expect(widgets).toContain('no cAdvisor metrics');
    expect(widgets).toContain('"text":"Silence"');
  });

  it("puts every update of a group in the group's thread", async () => {
    const action = chatAction('google_chat', { webhook_url: chat.url });
    const n = enrichedGroup();
    await action.handle(n, attemptContext());
    const resolved = {
      ...n,
      status: 'resolved' as const,
      alerts: n.alerts.map((a) => ({ ...a, status: 'resolved' as const, endsAt: new Date('2026-11-22T12:30:00Z') })),
    };
    await action.handle(resolved, attemptContext());
    await action.handle({ ...n, groupKey: 'another group' }, attemptContext());
    const [first, second, other] = chat.accepted.slice(-3);
    expect(first!.replyOption).toBe('REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
    expect(second!.thread).toBe(first!.thread);
    expect(other!.thread).not.toBe(first!.thread);
  });

  it('does not retry a wrong token, and keeps key and token out of the error', async () => {
    const error = await failureOf(chatAction('google_chat', { webhook_url: chat.url.replace('token=', 'token=x') }), enrichedGroup());
    expect(error).toMatchObject({ retryable: false, status: 401 });
    chat.failWith({ status: 400, body: { error: { code: 400, message: `bad request to ${chat.url}`, status: 'INVALID_ARGUMENT' } } });
    const message = (await failureOf(chatAction('google_chat', { webhook_url: chat.url }), enrichedGroup())).message;
    expect(message).not.toContain('gChAtToKeN');
    expect(message).not.toContain('AIzaSy');
  });

  it('retries RESOURCE_EXHAUSTED and a 5xx', async () => {
    chat.failWith({ status: 429, body: { error: { code: 429, message: 'Resource has been exhausted', status: 'RESOURCE_EXHAUSTED' } } });
    expect((await failureOf(chatAction('google_chat', { webhook_url: chat.url }), enrichedGroup())).retryable).toBe(true);
    chat.failWith({ status: 500, body: { error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' } } });
    expect((await failureOf(chatAction('google_chat', { webhook_url: chat.url }), enrichedGroup())).retryable).toBe(true);
  });
});

describe('google chat through the service', () => {
  it('turns an Alertmanager group into one card with GOOGLE_CHAT_WEBHOOK_URL alone', async () => {
    const before = chat.accepted.length;
    const app = await startTestService(null, { GOOGLE_CHAT_WEBHOOK_URL: chat.url });
    try {
      await app.post('/alert', fixtureText('alertmanagerGroup'));
      await app.waitForLog((l) => l.message === 'action succeeded' && l.action === 'google_chat');
      expect(chat.accepted.length - before).toBe(1);
      expect(cardOf(chat.accepted.at(-1)!.message).header.title).toBe('🔥 FIRING: KubePodCrashLooping (2)');
      const logs = JSON.stringify(app.logs);
      expect(logs).not.toContain('gChAtToKeN');
    } finally {
      await app.stop();
    }
  });
});
