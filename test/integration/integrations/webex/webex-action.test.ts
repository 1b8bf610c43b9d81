import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../src/config/load-config.js';
import { attemptContext, chatAction, enrichedGroup, failureOf, resolvedGroup, resolvedGroupBody } from '../../../support/chat-platforms.js';
import { startFakeWebex, WEBEX_ROOM, WEBEX_TOKEN, webexError, type FakeWebex } from '../../../support/fake-webex.js';
import { fixtureText } from '../../../support/fixtures.js';
import { startTestService } from '../../../support/test-service.js';

let webex: FakeWebex;
beforeAll(async () => {
  webex = await startFakeWebex();
});
afterAll(() => webex.close());
afterEach(() => {
  webex.failWith(undefined);
  webex.resetBucket();
});

const config = (fields: Record<string, unknown> = {}) => ({ api_url: webex.url, room_id: WEBEX_ROOM, bot_token: WEBEX_TOKEN, ...fields });

// An entry of Alertmanager's webex_configs, as alertmanager.yml has it, with `type` (and the token
// Alertmanager takes from http_config.authorization.credentials) added.
const pasted = (apiUrl: string) => `
actions:
  webex-oncall:
    type: webex
    bot_token: \${WEBEX_BOT_TOKEN}
    send_resolved: true
    api_url: ${apiUrl}
    room_id: ${WEBEX_ROOM}
    message: '{{ commonLabels.namespace }}: {{ alerts.firing | size }} firing'
delivery:
  initial_backoff: 100ms
routes:
  - actions: [webex-oncall]
`;

describe('webex action', () => {
  it('posts the enriched group as Markdown with a Bearer token: title, labels, enrichment, sparkline, notes, links', async () => {
    const result = await chatAction('webex', config()).handle(enrichedGroup(), attemptContext());
    const request = webex.standIn.requests.at(-1)!;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/messages' });
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    const markdown = webex.posted.at(-1)!.markdown;
    expect(markdown.split('\n')[0]).toBe('**🔥 FIRING: KubePodCrashLooping (2)**');
    expect(markdown).toContain('- CPU: 0.42 cores · 84% of limit 0.5 cores · request 0.25 cores `▁▂▃▅▇`');
    expect(markdown).toContain('no cAdvisor metrics');
    expect(markdown).toMatch(/\[Silence\]\(http:\/\/alertmanager:9093\/#\/silences\/new\?filter=/);
    expect(result).toMatchObject({ detail: 'posted the message of 2 alerts', data: { message: webex.posted.at(-1)!.id } });
  });

  it("edits the group's message with PUT /v1/messages/{id} once it resolves, instead of posting again", async () => {
    const action = chatAction('webex', config());
    await action.handle(enrichedGroup(), attemptContext());
    const posts = webex.posted.length;
    const id = webex.posted.at(-1)!.id;
    expect(await action.handle(resolvedGroup(), attemptContext())).toMatchObject({ detail: 'edited the message of 2 alerts' });
    expect(webex.standIn.requests.at(-1)).toMatchObject({ method: 'PUT', url: `/v1/messages/${id}` });
    expect(JSON.parse(webex.standIn.requests.at(-1)!.body)).toMatchObject({ roomId: WEBEX_ROOM });
    expect(webex.posted.length).toBe(posts);
    expect(webex.messages.get(id)!.markdown.split('\n')[0]).toBe('**✅ RESOLVED: KubePodCrashLooping (2)**');
  });

  it('posts anew once Webex refuses an 11th edit of the message', async () => {
    const action = chatAction('webex', config());
    const firing = enrichedGroup();
    await action.handle(firing, attemptContext());
    const id = webex.posted.at(-1)!.id;
    for (let i = 1; i <= 10; i++) {
      webex.resetBucket();
      await action.handle({ ...firing, id: `repeat-${i}`, receivedAt: new Date(firing.receivedAt.getTime() + i) }, attemptContext());
    }
    expect(webex.messages.get(id)!.edits).toBe(10);
    webex.resetBucket();
    const result = await action.handle(resolvedGroup(firing), attemptContext());
    expect(result).toMatchObject({ detail: 'posted anew (Webex answered 400 to the edit) the message of 2 alerts' });
    expect(webex.posted.at(-1)!.id).not.toBe(id);
  });

  it('keeps a group of 300 long alerts within 7,439 bytes, folding the rest', async () => {
    const n = enrichedGroup();
    const alerts = Array.from({ length: 300 }, (_, i) => ({
      ...n.alerts[0]!,
      fingerprint: String(i),
      labels: { ...n.alerts[0]!.labels, pod: `p-${i}` },
      annotations: { description: 'é'.repeat(3000) },
    }));
    await chatAction('webex', config()).handle({ ...n, alerts }, attemptContext());
    const markdown = webex.posted.at(-1)!.markdown;
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(7439);
    expect(markdown).toMatch(/…and \d+ more alerts/);
  });

  it("shows an alert's Markdown as text: no link, no mention forms", async () => {
    const n = enrichedGroup();
    const alerts = [{ ...n.alerts[0]!, annotations: { summary: '[click](http://evil.example) <@all> **loud**' } }];
    await chatAction('webex', config()).handle({ ...n, alerts, commonAnnotations: {} }, attemptContext());
    expect(webex.posted.at(-1)!.markdown).toContain('\\[click\\](http://evil.example) \\<@all\\> \\*\\*loud\\*\\*');
  });

  it("waits for Webex's Retry-After on 429", async () => {
    const errors: unknown[] = [];
    for (let i = 0; i < 6; i++) errors.push(await failureOf(chatAction('webex', config()), enrichedGroup()).catch(() => undefined));
    expect(errors.at(-1)).toMatchObject({ retryable: true, status: 429 });
    expect((errors.at(-1) as { retryAfterMs: number }).retryAfterMs).toBeGreaterThanOrEqual(1000);
  });

  it('does not retry a wrong token (401) or an unknown room (404), and keeps the token out of the error', async () => {
    const wrong = await failureOf(chatAction('webex', config({ bot_token: 'not-the-token' })), enrichedGroup());
    expect(wrong).toMatchObject({ retryable: false, status: 401 });
    expect(wrong.message).toContain('valid access token');
    const room = await failureOf(chatAction('webex', config({ room_id: 'elsewhere' })), enrichedGroup());
    expect(room).toMatchObject({ retryable: false, status: 404 });
    webex.failWith({ status: 400, body: webexError(`bad token ${WEBEX_TOKEN}`) });
    expect((await failureOf(chatAction('webex', config()), enrichedGroup())).message).not.toContain('WeBeXbOtToKeN');
    webex.failWith({ status: 503, body: webexError('Service Unavailable') });
    expect((await failureOf(chatAction('webex', config()), enrichedGroup())).retryable).toBe(true);
  });

  it('refuses a config without room_id or bot_token, saying which', () => {
    expect(() => parseConfigText(`actions:\n  w: { type: webex, bot_token: x }\n`, 'test', {})).toThrow(/actions\.w\.room_id: required/);
    expect(() => parseConfigText(`actions:\n  w: { type: webex, room_id: r }\n`, 'test', {})).toThrow(/actions\.w\.bot_token: required/);
    expect(() => parseConfigText(`actions:\n  w: { type: webex, room_id: r, bot_token: x, api_url: 'ftp://x' }\n`, 'test', {})).toThrow(
      /actions\.w\.api_url: expected the http\(s\) URL of the Webex messages API/,
    );
  });
});

describe('webex through the service', () => {
  it('takes a pasted webex_configs entry, posts the templated message and edits it on resolve', async () => {
    const posts = webex.posted.length;
    const app = await startTestService(pasted(webex.url), { WEBEX_BOT_TOKEN: WEBEX_TOKEN });
    try {
      const firing = await app.post('/alert', fixtureText('alertmanagerGroup'));
      await app.untilDone(String(firing.body.id));
      expect(webex.posted.length - posts).toBe(1);
      const message = webex.posted.at(-1)!;
      expect(message.markdown).toContain('shop: 2 firing');
      const resolved = await app.post('/alert', resolvedGroupBody());
      const record = await app.untilDone(String(resolved.body.id));
      expect(record.jobs.map((j) => j.state)).toEqual(['succeeded']);
      expect(webex.posted.length - posts).toBe(1);
      expect(message.edits).toBe(1);
      expect(message.markdown).toContain('RESOLVED');
      expect(JSON.stringify(app.logs)).not.toContain('WeBeXbOtToKeN');
    } finally {
      await app.stop();
    }
  });

  it('retries after the 429 it was answered, no sooner than its Retry-After, and delivers', async () => {
    webex.failWith({ status: 429, headers: { 'retry-after': '1' }, body: webexError('Too Many Requests') });
    const app = await startTestService(pasted(webex.url), { WEBEX_BOT_TOKEN: WEBEX_TOKEN });
    try {
      const before = webex.standIn.requests.length;
      const { body } = await app.post('/alert', fixtureText('alertmanagerGroup'));
      await app.waitForLog((l) => l.action === 'webex-oncall' && String(l.message).includes('fail'));
      const limited = webex.standIn.requests.length - before;
      webex.failWith(undefined);
      const record = await app.untilDone(String(body.id), 15_000);
      const attempts = record.jobs[0]!.attempts;
      expect(limited).toBe(1);
      expect(record.jobs[0]!.state).toBe('succeeded');
      expect(attempts.length).toBe(2);
      const sent = webex.standIn.requests.slice(before);
      expect(sent[1]!.at - sent[0]!.at).toBeGreaterThanOrEqual(1000);
    } finally {
      await app.stop();
    }
  });
});
