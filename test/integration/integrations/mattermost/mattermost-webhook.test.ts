import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../src/config/load-config.js';
import { ConfigError } from '../../../../src/lib/config-error.js';
import { createAction } from '../../../../src/integrations/registry.js';
import { createSilentLogger } from '../../../../src/observability/logger.js';
import { createChartRenderer } from '../../../../src/charts/render-chart-png.js';
import { attemptContext, chatAction, enrichedGroup, failureOf } from '../../../support/chat-platforms.js';
import { startFakeMattermost, type FakeMattermost } from '../../../support/fake-mattermost.js';
import { fixtureText } from '../../../support/fixtures.js';
import { startTestService } from '../../../support/test-service.js';

let mm: FakeMattermost;
beforeAll(async () => {
  mm = await startFakeMattermost();
});
afterAll(() => mm.close());
afterEach(() => {
  mm.failWith(undefined);
  mm.setRateLimit(10, 1_000);
});

const HOOK_KEY = 'mAtTeRmOsThOoKkEy';

/** A receiver entry as a team writes it for a Slack-compatible webhook, `type` added; one alertpipe template. */
function pastedConfig(url: string): string {
  return [
    'actions:',
    '  oncall:',
    '    type: mattermost',
    `    webhook_url: ${url}`,
    '    channel: alerts',
    '    username: alertmanager',
    '    icon_emoji: ":rotating_light:"',
    '    send_resolved: true',
    '    templates:',
    "      title: '{{ commonLabels.alertname }} in {{ commonLabels.namespace }}: {{ alerts.firing | size }} firing'",
    "      text: 'Page {{ commonLabels.namespace | toUpper }} on-call.'",
    '',
  ].join('\n');
}

describe('mattermost incoming webhook', () => {
  it('takes a pasted receiver entry and posts the enriched, templated group as attachments the server accepts', async () => {
    const config = parseConfigText(pastedConfig(mm.webhookUrl), 'alertpipe.yml', {});
    const action = createAction('oncall', config.actions.oncall!, { logger: createSilentLogger(), charts: createChartRenderer() });
    const before = mm.posts.length;
    await action.handle(enrichedGroup(), attemptContext());
    expect(mm.posts.length - before).toBe(1);
    const post = mm.posts.at(-1)!;
    expect(post.overrides).toEqual({ channel: 'alerts', username: 'alertmanager', icon_emoji: ':rotating_light:' });
    const [group, first, second] = post.props.attachments!;
    expect(group).toMatchObject({
      title: 'KubePodCrashLooping in shop: 2 firing',
      color: '#E01E5A',
      title_link: 'http://alertmanager:9093',
    });
    expect(group!.text).toContain('Page SHOP on-call.');
    expect(group!.fallback).toBe('[FIRING:2] KubePodCrashLooping shop: Pod is crash looping.');
    expect(first!.fields).toContainEqual({
      title: 'CPU',
      value: '0.42 cores · 84% of limit 0.5 cores · request 0.25 cores · ▁▂▃▅▇',
      short: true,
    });
    expect(first!.text).toMatch(/\[Silence\]\(http:\/\/alertmanager:9093\/#\/silences\/new\?filter=/);
    expect(second!.text).toContain(':warning: _pod-resources: no cAdvisor metrics');
  });

  it('posts a resolve as a new, green message: a webhook cannot edit', async () => {
    const n = enrichedGroup();
    const alerts = n.alerts.map((a) => ({ ...a, status: 'resolved' as const, endsAt: new Date('2026-11-22T12:30:00Z') }));
    const before = mm.posts.length;
    await chatAction('mattermost', { webhook_url: mm.webhookUrl }).handle({ ...n, status: 'resolved', alerts }, attemptContext());
    expect(mm.posts.length - before).toBe(1);
    expect(mm.posts.at(-1)!.props.attachments![0]).toMatchObject({ title: '✅ RESOLVED: KubePodCrashLooping (2)', color: '#2EB67D' });
  });

  it('shows what an alert says as written: no mention, no markdown, no link of its own', async () => {
    const n = enrichedGroup();
    const alerts = [
      {
        ...n.alerts[0]!,
        annotations: { summary: '@channel *now* [login](http://evil.example) ~town-square <b>', description: '1. step\n- item' },
      },
    ];
    await chatAction('mattermost', { webhook_url: mm.webhookUrl }).handle({ ...n, alerts }, attemptContext());
    const text = mm.posts.at(-1)!.props.attachments![1]!.text!;
    expect(text).toContain('**@\u2060channel \\*now\\* \\[login\\]\\(http://evil.example\\) \\~town-square \\<b\\>**');
    expect(text).toContain('1\\. step\n\\- item');
    expect(JSON.stringify(mm.posts.at(-1)!.props)).not.toMatch(/@(channel|here|all)/);
  });

  it('keeps 300 long alerts within what the server takes, folding the rest', async () => {
    const n = enrichedGroup();
    const alerts = Array.from({ length: 300 }, (_, i) => ({
      ...n.alerts[0]!,
      fingerprint: String(i),
      labels: { ...n.alerts[0]!.labels, pod: `p-${i}` },
      annotations: { description: 'y'.repeat(20_000) },
    }));
    await chatAction('mattermost', { webhook_url: mm.webhookUrl, max_alerts: 15 }).handle({ ...n, alerts }, attemptContext());
    const attachments = mm.posts.at(-1)!.props.attachments!;
    expect(attachments).toHaveLength(16);
    expect(attachments[0]!.text).toMatch(/…and 285 more alerts \(\[Alertmanager\]\(http:\/\/alertmanager:9093\)\)/);
  });

  it('does not retry a webhook the server does not know, and keeps its key out of the error', async () => {
    const error = await failureOf(chatAction('mattermost', { webhook_url: `${mm.webhookUrl}x` }), enrichedGroup());
    expect(error).toMatchObject({ retryable: false, status: 400 });
    expect(error.message).toBe('Mattermost answered 400: Invalid webhook. (web.incoming_webhook.invalid.app_error)');
    mm.failWith({ status: 400, body: { id: 'x', message: `bad hook ${mm.webhookUrl}`, status_code: 400 } });
    expect((await failureOf(chatAction('mattermost', { webhook_url: mm.webhookUrl }), enrichedGroup())).message).not.toContain(HOOK_KEY);
  });

  it('does not retry a channel override the server cannot find', async () => {
    const error = await failureOf(chatAction('mattermost', { webhook_url: mm.webhookUrl, channel: 'nowhere' }), enrichedGroup());
    expect(error).toMatchObject({ retryable: false, status: 404 });
    expect(error.message).toContain("Couldn't find the channel.");
  });

  it("hands the rate limiter's 429 back with its Retry-After, or its X-Ratelimit-Reset alone, and retries a 5xx", async () => {
    mm.setRateLimit(1, 60_000);
    const action = chatAction('mattermost', { webhook_url: mm.webhookUrl });
    await action.handle(enrichedGroup(), attemptContext());
    expect(await failureOf(action, enrichedGroup())).toMatchObject({ retryable: true, status: 429, retryAfterMs: 60_000 });
    mm.failWith({ status: 429, body: 'limit exceeded\n', headers: { 'x-ratelimit-reset': '7', 'x-ratelimit-remaining': '0' } });
    expect(await failureOf(action, enrichedGroup())).toMatchObject({ retryable: true, retryAfterMs: 7_000 });
    mm.failWith({ status: 503, body: '<html>Bad Gateway</html>' });
    expect((await failureOf(action, enrichedGroup())).retryable).toBe(true);
  });

  it.each([
    [{ webhook_url: 'https://mm.example.com/hooks/x', bot_token: 't' }, 'webhook_url', /give either webhook_url .* or bot_token/],
    [{}, 'bot_token', /give either webhook_url/],
    [{ webhook_url: 'mm.example.com/hooks/x' }, 'webhook_url', /expected the http\(s\) URL of a Mattermost incoming webhook/],
    [{ bot_token: 't', channel_id: 'c' }, 'api_url', /a bot needs api_url/],
    [{ bot_token: 't', api_url: 'https://mm.example.com' }, 'channel_id', /a bot needs channel_id/],
    [{ bot_token: 't', api_url: 'https://mm.example.com', channel_id: 'c', channel: 'alerts' }, 'channel', /a bot posts in channel_id/],
    [{ webhook_url: 'https://mm.example.com/hooks/x', color: 'red' }, '', /unrecognized key.*color/i],
  ])('refuses %j with a clear error at its field', (fields, field, message) => {
    const yaml = `actions:\n  mm: ${JSON.stringify({ type: 'mattermost', ...fields })}\n`;
    let problems: readonly { path: string; message: string }[] = [];
    try {
      parseConfigText(yaml, 'alertpipe.yml', {});
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems;
    }
    expect(
      problems.some((p) => p.path === `actions.mm${field ? `.${field}` : ''}` && message.test(p.message)),
      JSON.stringify(problems),
    ).toBe(true);
  });
});

describe('mattermost through the service', () => {
  it('turns an Alertmanager group into one message with MATTERMOST_WEBHOOK_URL alone', async () => {
    const before = mm.posts.length;
    const app = await startTestService(null, { MATTERMOST_WEBHOOK_URL: mm.webhookUrl });
    try {
      await app.post('/alert', fixtureText('alertmanagerGroup'));
      await app.waitForLog((l) => l.message === 'action succeeded' && l.action === 'mattermost');
      expect(mm.posts.length - before).toBe(1);
      expect(mm.posts.at(-1)!.props.attachments![0]!.title).toBe('🔥 FIRING: KubePodCrashLooping (2)');
      expect(JSON.stringify(app.logs)).not.toContain(HOOK_KEY);
    } finally {
      await app.stop();
    }
  });

  it('sends a rate-limited message again once the Retry-After has passed, not sooner, and loses nothing', async () => {
    mm.setRateLimit(0, 1_000);
    const yaml = `delivery: { queue: memory, initial_backoff: 100ms, max_backoff: 200ms }\nactions:\n  mm: { type: mattermost, webhook_url: "${mm.webhookUrl}" }\nroutes:\n  - actions: [mm]\n`;
    const app = await startTestService(yaml);
    try {
      const first = mm.standIn.requests.length;
      const before = mm.posts.length;
      const { body } = await app.post('/alert', fixtureText('alertmanagerGroup'));
      await mm.standIn.waitForRequests(first + 1);
      mm.setRateLimit(10, 1_000);
      const record = await app.untilDone(String(body.id), 10_000);
      expect(record.jobs.map((j) => j.state)).toEqual(['succeeded']);
      expect(mm.posts.length - before).toBe(1);
      const [limited, accepted] = mm.standIn.requests.slice(first);
      expect(accepted!.at - limited!.at).toBeGreaterThanOrEqual(1_000);
    } finally {
      await app.stop();
    }
  });
});
