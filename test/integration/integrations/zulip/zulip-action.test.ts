import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../src/config/load-config.js';
import { attemptContext, chatAction, enrichedGroup, failureOf, resolvedGroup, resolvedGroupBody } from '../../../support/chat-platforms.js';
import { startFakeZulip, ZULIP_BOT, ZULIP_KEY, ZULIP_STREAM, zulipError, type FakeZulip } from '../../../support/fake-zulip.js';
import { fixtureText } from '../../../support/fixtures.js';
import { startTestService } from '../../../support/test-service.js';

let zulip: FakeZulip;
beforeAll(async () => {
  zulip = await startFakeZulip();
});
afterAll(() => zulip.close());
afterEach(() => {
  zulip.failWith(undefined);
  zulip.setEditLimit(undefined);
  zulip.resetBucket();
});

const config = (fields: Record<string, unknown> = {}) => ({
  url: zulip.url,
  bot_email: ZULIP_BOT,
  api_key: ZULIP_KEY,
  stream: ZULIP_STREAM,
  ...fields,
});

describe('zulip action', () => {
  it('posts the enriched group, form-encoded with basic auth, to a topic of its own', async () => {
    await chatAction('zulip', config()).handle(enrichedGroup(), attemptContext());
    const request = zulip.standIn.requests.at(-1)!;
    expect(request).toMatchObject({ method: 'POST', url: '/api/v1/messages' });
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const message = zulip.posted.at(-1)!;
    expect(message.topic).toBe('KubePodCrashLooping · shop');
    expect(message.content.split('\n')[0]).toBe('**🔥 FIRING: KubePodCrashLooping (2)**');
    expect(message.content).toContain('- CPU: 0.42 cores · 84% of limit 0.5 cores · request 0.25 cores `▁▂▃▅▇`');
    expect(message.content).toContain('no cAdvisor metrics');
  });

  it('edits the content on resolve with PATCH /api/v1/messages/{id}, the topic left as it is', async () => {
    const action = chatAction('zulip', config());
    await action.handle(enrichedGroup(), attemptContext());
    const message = zulip.posted.at(-1)!;
    const posts = zulip.posted.length;
    expect(await action.handle(resolvedGroup(), attemptContext())).toMatchObject({ detail: 'edited the message of 2 alerts' });
    const edit = zulip.standIn.requests.at(-1)!;
    expect(edit).toMatchObject({ method: 'PATCH', url: `/api/v1/messages/${message.id}` });
    expect([...new URLSearchParams(edit.body).keys()]).toEqual(['content']);
    expect(zulip.posted.length).toBe(posts);
    expect(message.content.split('\n')[0]).toBe('**✅ RESOLVED: KubePodCrashLooping (2)**');
  });

  it("posts anew in the same topic once the organization's edit time limit has passed", async () => {
    const action = chatAction('zulip', config());
    await action.handle(enrichedGroup(), attemptContext());
    const first = zulip.posted.at(-1)!;
    zulip.setEditLimit(0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const result = await action.handle(resolvedGroup(), attemptContext());
    expect(result).toMatchObject({ detail: 'posted anew (Zulip refused the edit (400)) the message of 2 alerts' });
    expect(zulip.posted.at(-1)!.id).not.toBe(first.id);
    expect(zulip.posted.at(-1)!.topic).toBe(first.topic);
  });

  it('takes the topic from a template, cut to 60 characters', async () => {
    await chatAction(
      'zulip',
      config({
        topic:
          '{{ commonLabels.namespace }}/{{ commonLabels.alertname }} {{ "x" | append: "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy" }}',
      }),
    ).handle(enrichedGroup(), attemptContext());
    const topic = zulip.posted.at(-1)!.topic;
    expect(topic.startsWith('shop/KubePodCrashLooping x')).toBe(true);
    expect([...topic].length).toBe(60);
    expect(topic.endsWith('…')).toBe(true);
  });

  it('keeps a group of 300 long alerts within 10,000 bytes, folding the rest', async () => {
    const n = enrichedGroup();
    const alerts = Array.from({ length: 300 }, (_, i) => ({
      ...n.alerts[0]!,
      fingerprint: String(i),
      labels: { ...n.alerts[0]!.labels, pod: `p-${i}` },
      annotations: { description: '€'.repeat(3000) },
    }));
    await chatAction('zulip', config()).handle({ ...n, alerts }, attemptContext());
    const content = zulip.posted.at(-1)!.content;
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(10_000);
    expect(content).toMatch(/…and \d+ more alerts/);
  });

  it('keeps @**all** in an alert from mentioning everyone', async () => {
    const n = enrichedGroup();
    const alerts = [{ ...n.alerts[0]!, annotations: { summary: '@**all** look [here](http://evil.example)' } }];
    await chatAction('zulip', config()).handle({ ...n, alerts, commonAnnotations: {} }, attemptContext());
    expect(zulip.posted.at(-1)!.content).toContain('@\\*\\*all\\*\\* look \\[here\\](http://evil.example)');
  });

  it("waits for Zulip's Retry-After on 429 RATE_LIMIT_HIT", async () => {
    const errors: unknown[] = [];
    for (let i = 0; i < 9; i++) errors.push(await failureOf(chatAction('zulip', config()), enrichedGroup()).catch(() => undefined));
    expect(errors.at(-1)).toMatchObject({ retryable: true, status: 429 });
    expect((errors.at(-1) as { retryAfterMs: number; message: string }).message).toContain('RATE_LIMIT_HIT');
    expect((errors.at(-1) as { retryAfterMs: number }).retryAfterMs).toBeGreaterThanOrEqual(1000);
  });

  it('does not retry a wrong API key or a stream that does not exist, and keeps the key out of the error', async () => {
    const wrong = await failureOf(chatAction('zulip', config({ api_key: 'wrong-key' })), enrichedGroup());
    expect(wrong).toMatchObject({ retryable: false, status: 401 });
    expect(wrong.message).toContain('INVALID_API_KEY');
    const stream = await failureOf(chatAction('zulip', config({ stream: 'nowhere' })), enrichedGroup());
    expect(stream).toMatchObject({ retryable: false, status: 400 });
    expect(stream.message).toContain('STREAM_DOES_NOT_EXIST');
    zulip.failWith(zulipError(400, `bad key ${ZULIP_KEY} ${Buffer.from(`${ZULIP_BOT}:${ZULIP_KEY}`).toString('base64')}`, 'BAD_REQUEST'));
    const quoted = await failureOf(chatAction('zulip', config()), enrichedGroup());
    expect(quoted.message).not.toContain('ZuLiPaPiKeY');
    expect(quoted.message).not.toContain(Buffer.from(`${ZULIP_BOT}:${ZULIP_KEY}`).toString('base64'));
    zulip.failWith(zulipError(502, 'Bad Gateway', 'BAD_GATEWAY'));
    expect((await failureOf(chatAction('zulip', config()), enrichedGroup())).retryable).toBe(true);
  });

  it('refuses a bot_email that is no address, a missing api_key and a topic template that does not parse', () => {
    expect(() => parseConfigText(`actions:\n  z: { type: zulip, url: 'http://x', bot_email: nope, stream: s }\n`, 'test', {})).toThrow(
      /actions\.z\.bot_email: expected bot_email[\s\S]*actions\.z\.api_key: required/,
    );
    expect(() => chatAction('zulip', config({ topic: '{{ commonLabels.alertname ' }), 'z')).toThrow(/actions\.z\.topic: line 1/);
  });
});

describe('zulip through the service', () => {
  it('posts the group to its topic and edits that message when Alertmanager sends it resolved', async () => {
    const yaml = `actions:\n  zulip-oncall: ${JSON.stringify({ type: 'zulip', ...config(), api_key: '${ZULIP_API_KEY}' })}\nroutes:\n  - actions: [zulip-oncall]\n`;
    const posts = zulip.posted.length;
    const app = await startTestService(yaml, { ZULIP_API_KEY: ZULIP_KEY });
    try {
      await app.untilDone(String((await app.post('/alert', fixtureText('alertmanagerGroup'))).body.id));
      const message = zulip.posted.at(-1)!;
      const record = await app.untilDone(String((await app.post('/alert', resolvedGroupBody())).body.id));
      expect(record.jobs.map((j) => j.state)).toEqual(['succeeded']);
      expect(zulip.posted.length - posts).toBe(1);
      expect(message.edits).toBe(1);
      expect(message.content).toContain('RESOLVED');
      expect(JSON.stringify(app.logs)).not.toContain('ZuLiPaPiKeY');
    } finally {
      await app.stop();
    }
  });
});
