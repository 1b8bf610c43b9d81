import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../src/config/load-config.js';
import { ConfigError } from '../../../../src/lib/config-error.js';
import type { Action, ActionContext } from '../../../../src/integrations/action.js';
import { createAction } from '../../../../src/integrations/registry.js';
import { MemoryStore } from '../../../../src/store/memory/memory-store.js';
import { createSilentLogger } from '../../../../src/observability/logger.js';
import { createChartRenderer } from '../../../../src/charts/render-chart-png.js';
import { chatAction, enrichedGroup, failureOf } from '../../../support/chat-platforms.js';
import { startFakeRocketChat, type FakeRocketChat } from '../../../support/fake-rocketchat.js';
import { fixtureText } from '../../../support/fixtures.js';
import { startTestService } from '../../../support/test-service.js';

let rc: FakeRocketChat;
beforeEach(async () => {
  rc = await startFakeRocketChat();
});
afterEach(() => rc.close());

const context = (refs = new MemoryStore({ maxPending: 10, historyLimit: 10 })): ActionContext => ({
  logger: createSilentLogger(),
  signal: new AbortController().signal,
  attempt: 1,
  messageRefs: refs,
});
const rocketAction = (fields: Record<string, unknown> = {}): Action =>
  chatAction('rocketchat', { api_url: rc.url, token: rc.token, token_id: rc.userId, channel: '#alerts', ...fields });

/** A rocketchat_configs entry from alertmanager.yml, `type` added and its title a Liquid template. */
function pasted(url: string, token: string, userId: string): string {
  return `actions:
  oncall:
    type: rocketchat
    api_url: ${url}
    token: ${token}
    token_id: ${userId}
    channel: '#alerts'
    emoji: ':rotating_light:'
    icon_url: https://example.com/alertmanager.png
    title: '{{ commonLabels.alertname }}: {{ alerts.firing | size }} firing'
    title_link: https://alertmanager.example.com
    fields:
      - title: Team
        value: shop
    short_fields: true
    link_names: false
    actions:
      - type: button
        text: Runbook
        url: https://runbooks.example.com/crashloop
    send_resolved: true
`;
}

describe('rocketchat action', () => {
  it('takes a pasted rocketchat_configs entry and posts the enriched, templated group with its headers', async () => {
    const config = parseConfigText(pasted(rc.url, rc.token, rc.userId), 'alertpipe.yml', {});
    const action = createAction('oncall', config.actions.oncall!, { logger: createSilentLogger(), charts: createChartRenderer() });
    await action.handle(enrichedGroup(), context());
    expect(rc.messages).toHaveLength(1);
    const [message] = rc.messages;
    expect(message).toMatchObject({ rid: rc.roomId, emoji: ':rotating_light:', avatar: 'https://example.com/alertmanager.png' });
    const [group, first, second] = message!.attachments;
    expect(group).toMatchObject({
      title: 'KubePodCrashLooping: 2 firing',
      title_link: 'https://alertmanager.example.com',
      color: 'red',
      fields: [{ title: 'Team', value: 'shop', short: true }],
      actions: [{ type: 'button', text: 'Runbook', url: 'https://runbooks.example.com/crashloop' }],
    });
    expect(first!.fields).toContainEqual({
      short: true,
      title: 'CPU',
      value: '0.42 cores · 84% of limit 0.5 cores · request 0.25 cores · ▁▂▃▅▇',
    });
    expect(first!.text).toMatch(/\[Silence\]\(http:\/\/alertmanager:9093\/#\/silences\/new\?filter=/);
    expect(second!.text).toContain('pod-resources: no cAdvisor metrics');
    const request = rc.standIn.requests[0]!;
    expect(request.url).toBe('/api/v1/chat.postMessage');
    expect(request.headers).toMatchObject({ 'x-auth-token': rc.token, 'x-user-id': rc.userId });
  });

  it('edits the same message through chat.update on resolve, from another action sharing the store', async () => {
    const refs = new MemoryStore({ maxPending: 10, historyLimit: 10 });
    const n = enrichedGroup();
    await rocketAction().handle(n, context(refs));
    const alerts = n.alerts.map((a) => ({ ...a, status: 'resolved' as const, endsAt: new Date('2026-11-22T12:30:00Z') }));
    const resolved = { ...n, id: 'resolved-1', status: 'resolved' as const, alerts, receivedAt: new Date(n.receivedAt.getTime() + 60_000) };
    await rocketAction().handle(resolved, context(refs));
    expect(rc.messages).toHaveLength(1);
    expect(rc.messages[0]).toMatchObject({ edits: 1, msg: '[RESOLVED:2]\u2060 KubePodCrashLooping shop: Pod is crash looping.' });
    expect(rc.messages[0]!.attachments[0]).toMatchObject({ title: '✅ RESOLVED: KubePodCrashLooping (2)', color: 'green' });
    expect(JSON.parse(rc.standIn.requests[1]!.body)).toMatchObject({ roomId: rc.roomId, msgId: rc.messages[0]!._id });
    expect(rc.standIn.requests.map((r) => r.url)).toEqual(['/api/v1/chat.postMessage', '/api/v1/chat.update']);
  });

  it('posts anew when its message was deleted', async () => {
    const refs = new MemoryStore({ maxPending: 10, historyLimit: 10 });
    const n = enrichedGroup();
    await rocketAction().handle(n, context(refs));
    rc.deleteMessage(rc.messages[0]!._id);
    await rocketAction().handle({ ...n, id: 'again', receivedAt: new Date(n.receivedAt.getTime() + 1) }, context(refs));
    expect(rc.messages).toHaveLength(2);
  });

  it('shows what an alert says as written: no @all, no #room, no link of its own', async () => {
    const n = enrichedGroup();
    const alerts = [
      { ...n.alerts[0]!, annotations: { summary: '@all look at #general [here](http://evil.example) <http://evil.example|x>' } },
    ];
    await rocketAction().handle({ ...n, alerts, commonAnnotations: { summary: '@here' } }, context());
    const sent = JSON.stringify(rc.messages[0]);
    expect(sent).not.toMatch(/@(all|here)\b|#general|\]\(http:\/\/evil|<http/);
    expect(rc.messages[0]!.attachments[1]!.text).toContain('@\u2060all look at #\u2060general');
  });

  it('does not retry a token it refuses, a room it does not know, or a success: false, and keeps the token out', async () => {
    const wrong = await failureOf(rocketAction({ token: 'not-the-token-000' }), enrichedGroup());
    expect(wrong).toMatchObject({
      retryable: false,
      status: 401,
      message: 'Rocket.Chat chat.postMessage answered 401: You must be logged in to do this.',
    });
    const room = await failureOf(rocketAction({ channel: '#nowhere' }), enrichedGroup());
    expect(room).toMatchObject({ retryable: false, status: 400, message: 'Rocket.Chat chat.postMessage answered 400: [invalid-channel]' });
    rc.failWith({ status: 200, body: { success: false, error: `refused ${rc.token} for ${rc.userId}` } });
    const refused = await failureOf(rocketAction(), enrichedGroup());
    expect(refused.retryable).toBe(false);
    expect(refused.message).not.toContain(rc.token);
    expect(refused.message).not.toContain(rc.userId);
    rc.failWith({ status: 502, body: 'Bad Gateway' });
    expect((await failureOf(rocketAction(), enrichedGroup())).retryable).toBe(true);
  });

  it('hands the rate limiter’s 429 back with the wait its X-RateLimit-Reset says', async () => {
    rc.setRateLimit(1, 30_000);
    await rocketAction().handle(enrichedGroup(), context());
    const limited = await failureOf(rocketAction(), { ...enrichedGroup(), groupKey: 'another' });
    expect(limited).toMatchObject({ retryable: true, status: 429 });
    expect(limited.retryAfterMs).toBeGreaterThan(28_000);
    expect(limited.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it.each([
    [
      { color: '{{ if eq .Status "firing" }}red{{ else }}green{{ end }}' },
      'color',
      /color is an Alertmanager Go template.*leave it out \(red while firing/,
    ],
    [{ title: '{{ template "rocketchat.default.title" . }}' }, 'title', /title is an Alertmanager Go template.*Liquid/],
    [{ token: undefined }, 'token', /required/],
    [{ channel: undefined }, 'channel', /required/],
    [{ title: 'x', templates: { title: 'y' } }, 'title', /give title or templates\.title, not both/],
    [{ http_config: { proxy_url: 'http://p' } }, '', /http_config/],
  ])('refuses %j with a clear error at its field', (fields, field, message) => {
    const entry = { type: 'rocketchat', api_url: 'https://chat.example.com', token: 't', token_id: 'u', channel: '#alerts', ...fields };
    const yaml = `actions:\n  rc: ${JSON.stringify(entry)}\n`;
    let problems: readonly { path: string; message: string }[] = [];
    try {
      parseConfigText(yaml, 'alertpipe.yml', {});
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems;
    }
    expect(
      problems.some((p) => p.path === `actions.rc${field ? `.${field}` : ''}` && message.test(p.message)),
      JSON.stringify(problems),
    ).toBe(true);
  });

  it('defaults api_url to open.rocket.chat, as Alertmanager does', () => {
    const config = parseConfigText('actions:\n  rc: { type: rocketchat, token: t, token_id: u, channel: "#alerts" }\n', 'a.yml', {});
    expect(config.actions.rc).toMatchObject({ api_url: 'https://open.rocket.chat' });
  });
});

describe('rocketchat through the service', () => {
  it('sends a rate-limited message again once X-RateLimit-Reset has passed, not sooner, and loses nothing', async () => {
    rc.setRateLimit(0, 1_000);
    const entry = JSON.stringify({ type: 'rocketchat', api_url: rc.url, token: rc.token, token_id: rc.userId, channel: '#alerts' });
    const yaml = `delivery: { queue: memory, initial_backoff: 100ms, max_backoff: 200ms }\nactions:\n  rc: ${entry}\nroutes:\n  - actions: [rc]\n`;
    const app = await startTestService(yaml);
    try {
      const { body } = await app.post('/alert', fixtureText('alertmanagerGroup'));
      await rc.standIn.waitForRequests(1);
      rc.setRateLimit(10, 60_000);
      const record = await app.untilDone(String(body.id), 10_000);
      expect(record.jobs.map((j) => j.state)).toEqual(['succeeded']);
      expect(rc.messages).toHaveLength(1);
      const [limited, accepted] = rc.standIn.requests;
      expect(accepted!.at - limited!.at).toBeGreaterThanOrEqual(900);
      expect(JSON.stringify(app.logs)).not.toContain(rc.token);
    } finally {
      await app.stop();
    }
  });
});
