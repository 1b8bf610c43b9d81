import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binariesAvailable } from '../support/binaries.js';
import { freePort } from '../support/child-service.js';
import {
  blockActionsPayload,
  signedInteraction,
  startFakeSlackApi,
  type FakeSlackApi,
  type StoredMessage,
} from '../support/fake-slack-api.js';
import { startAlertmanager, webhookAlertmanagerConfig, type RealAlertmanager } from '../support/real-alertmanager.js';
import { startTestService, type TestService } from '../support/test-service.js';

const tools = binariesAvailable('prometheus-alertmanager', 'amtool');
const SIGNING_SECRET = 'e3b0c44298fc1c149afbf4c8996fb924';

/** Waits for `check` to hold, polling; bounded. */
async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A webhook body as Alertmanager 0.2x sends it for the group `{}:{alertname="KubePodCrashLooping"}`. */
function webhookBody(pods: Record<string, 'firing' | 'resolved'>): object {
  const alerts = Object.entries(pods).map(([pod, status]) => ({
    status,
    labels: { alertname: 'KubePodCrashLooping', namespace: 'shop', pod, severity: 'critical' },
    annotations: { summary: 'Pod is crash looping.' },
    startsAt: '2026-11-22T12:04:00Z',
    endsAt: status === 'resolved' ? '2026-11-22T12:41:00Z' : '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus:9090/graph?g0.expr=up',
  }));
  return {
    version: '4',
    groupKey: '{}:{alertname="KubePodCrashLooping"}',
    truncatedAlerts: 0,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    receiver: 'alertpipe',
    groupLabels: { alertname: 'KubePodCrashLooping' },
    commonLabels: { alertname: 'KubePodCrashLooping', namespace: 'shop', severity: 'critical' },
    commonAnnotations: { summary: 'Pod is crash looping.' },
    externalURL: 'http://alertmanager:9093',
    alerts,
  };
}

describe('the Slack app against a Slack Web API stand-in', () => {
  let slack: FakeSlackApi;
  let dataDir: string;
  beforeAll(async () => {
    slack = await startFakeSlackApi();
    dataDir = mkdtempSync(path.join(tmpdir(), 'alertpipe-slack-app-'));
  });
  afterAll(async () => {
    await slack?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = (): NodeJS.ProcessEnv => ({
    SLACK_BOT_TOKEN: slack.token,
    SLACK_CHANNEL: '#alerts',
    SLACK_API_URL: slack.url,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    DATA_DIR: dataDir,
  });

  it('turns a group that fires, grows, partly resolves and resolves into one message, resolved, its changes in the thread, across a restart', async () => {
    let app = await startTestService(null, env());
    const send = async (pods: Record<string, 'firing' | 'resolved'>): Promise<void> => {
      const answer = await app.post('/alert', webhookBody(pods));
      expect(answer.status).toBe(200);
      const record = await app.untilDone(answer.body.id as string);
      expect(record.jobs.find((job) => job.action === 'slack')?.state).toBe('succeeded');
    };
    try {
      await send({ 'cart-1': 'firing', 'cart-2': 'firing' });
      await send({ 'cart-1': 'firing', 'cart-2': 'firing', 'cart-3': 'firing' });
    } finally {
      await app.stop();
    }
    // A restart between firing and resolving: the reference is read back from the data directory.
    app = await startTestService(null, env());
    try {
      await send({ 'cart-1': 'resolved', 'cart-2': 'resolved', 'cart-3': 'firing' });
      await send({ 'cart-1': 'resolved', 'cart-2': 'resolved', 'cart-3': 'resolved' });
    } finally {
      await app.stop();
    }
    const [message, ...more] = slack.topLevel('C0ALERTS1');
    expect(more).toHaveLength(0);
    const blocks = JSON.stringify(message!.attachments);
    expect(blocks).toContain('✅ RESOLVED: KubePodCrashLooping (3)');
    expect(blocks).toContain('Resolved after 37 min');
    expect(slack.thread(message!.ts).map((m) => m.text)).toEqual([
      '🔥 a 3rd alert joined: pod=cart-3',
      '✅ 2 alerts resolved, 1 still firing',
      '✅ all 3 alerts resolved after 37 min',
    ]);
    expect(slack.calls('auth.test').length).toBeGreaterThanOrEqual(2); // asked at each start
  });

  it('starts while Slack is down, and keeps the message queued for when it answers', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/api/`;
    const downDir = mkdtempSync(path.join(tmpdir(), 'alertpipe-slack-down-'));
    const app = await startTestService(null, { ...env(), SLACK_API_URL: closed, DATA_DIR: downDir });
    try {
      await app.waitForLog((l) => l.message === 'start-up check' && String(l.warning).includes('Slack could not be asked at start'));
      const answer = await app.post('/alert', webhookBody({ 'cart-9': 'firing' }));
      expect(answer.status).toBe(200);
      const line = await app.waitForLog((l) => l.message === 'action failed; will retry' && l.action === 'slack');
      expect(line.error).toMatch(/Slack unreachable: ECONNREFUSED/);
    } finally {
      await app.stop();
      rmSync(downDir, { recursive: true, force: true });
    }
  });

  it('refuses to start with a clear error when the token is wrong', async () => {
    const failure = await startTestService(null, { ...env(), SLACK_BOT_TOKEN: 'xoxb-not-the-token' }).catch((e: unknown) => e);
    expect(String((failure as Error).message ?? failure)).toMatch(
      /actions\.slack\.bot_token[\s\S]*invalid_auth: the bot token is not valid/,
    );
  });
});

describe.skipIf(!tools.available)('Slack app buttons against a real Alertmanager', () => {
  let slack: FakeSlackApi;
  let am: RealAlertmanager;
  let app: TestService;
  let message: StoredMessage;
  const labels = [
    { alertname: 'DiskFilling', instance: 'db-1:9100', severity: 'warning' },
    { alertname: 'DiskFilling', instance: 'db-2:9100', severity: 'warning' },
  ];

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    const port = await freePort();
    am = await startAlertmanager(webhookAlertmanagerConfig(`http://127.0.0.1:${port}/alert`));
    app = await startTestService(
      null,
      {
        SLACK_BOT_TOKEN: slack.token,
        SLACK_CHANNEL: 'C0ALERTS1',
        SLACK_API_URL: slack.url,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        ALERTMANAGER_URL: am.url,
      },
      { port },
    );
    const response = await fetch(`${am.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(labels.map((l) => ({ labels: l }))),
    });
    expect(response.status).toBe(200);
    // Alertmanager may send the group before both alerts joined it (a loaded machine): wait for both.
    message = await eventually(
      () => slack.topLevel().find((m) => JSON.stringify(m.attachments).includes('FIRING: DiskFilling (2)')),
      'the firing message with both alerts',
    );
  }, 30_000);
  afterAll(async () => {
    await app?.stop();
    await am?.stop();
    await slack?.close();
  });

  const click = (payload: object, options: { secret?: string; timestamp?: number } = {}) => {
    const signed = signedInteraction(options.secret ?? SIGNING_SECRET, payload, options.timestamp);
    return fetch(`${app.url}/slack/interactions`, { method: 'POST', headers: signed.headers, body: signed.body });
  };
  const silences = async (): Promise<
    Array<{ id: string; status: { state: string }; matchers: unknown[]; endsAt: string; createdBy: string; comment: string }>
  > => (await (await fetch(`${am.url}/api/v2/silences`)).json()) as never;

  it('refuses unsigned, wrongly signed and stale clicks with 401, and does nothing', async () => {
    const payload = blockActionsPayload(message, 'silence_1h');
    const unsigned = await fetch(`${app.url}/slack/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `payload=${encodeURIComponent(JSON.stringify(payload))}`,
    });
    expect(unsigned.status).toBe(401);
    expect((await click(payload, { secret: 'not-the-signing-secret' })).status).toBe(401);
    expect((await click(payload, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).status).toBe(401);
    // A signature over another body: the same headers with a changed payload.
    const signed = signedInteraction(SIGNING_SECRET, payload);
    const tampered = await fetch(`${app.url}/slack/interactions`, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body.replace('silence_1h', 'silence_4h'),
    });
    expect(tampered.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await silences()).toEqual([]);
    expect(slack.calls('chat.update')).toHaveLength(0);
  });

  it('silences exactly the group for an hour on a signed "Silence 1h", and Alertmanager stops notifying for it', async () => {
    const before = Date.now();
    const answer = await click(blockActionsPayload(message, 'silence_1h'));
    expect(answer.status).toBe(200);
    const [silence] = await eventually(async () => {
      const all = await silences();
      return all.length > 0 ? all : undefined;
    }, 'a silence in Alertmanager');
    const query = JSON.parse(
      execFileSync('amtool', ['silence', 'query', '-o', 'json', `--alertmanager.url=${am.url}`], { encoding: 'utf8', timeout: 10_000 }),
    ) as Array<{
      id: string;
      matchers: Array<{ name: string; value: string; isRegex: boolean }>;
      endsAt: string;
      createdBy: string;
      comment: string;
    }>;
    expect(query.map((s) => s.id)).toEqual([silence!.id]);
    const listed = query[0]!;
    expect(listed.matchers.map((m) => [m.name, m.value, m.isRegex]).sort()).toEqual([
      ['alertname', 'DiskFilling', false],
      ['instance', 'db-1:9100|db-2:9100', true],
      ['severity', 'warning', false],
    ]);
    const endsAt = Date.parse(listed.endsAt);
    expect(endsAt).toBeGreaterThanOrEqual(before + 3_600_000 - 1000);
    expect(endsAt).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1000);
    expect(listed.createdBy).toBe('alice (Slack U0ALICE01)');
    expect(listed.comment).toMatch(/^Silenced from Slack by alice: https:\/\/example\.slack\.com\/archives\/C0ALERTS1\/p\d+$/);
    // Alertmanager's own word that it will not notify: both alerts suppressed by this silence.
    const suppressed = await eventually(async () => {
      const alerts = (await (await fetch(`${am.url}/api/v2/alerts?filter=alertname%3D%22DiskFilling%22`)).json()) as Array<{
        status: { state: string; silencedBy: string[] };
      }>;
      return alerts.length === 2 && alerts.every((a) => a.status.state === 'suppressed' && a.status.silencedBy.includes(silence!.id))
        ? alerts
        : undefined;
    }, 'both alerts suppressed');
    expect(suppressed).toHaveLength(2);
    // The message says who silenced what until when, with a link and an Unsilence button.
    message = await eventually(
      () => (JSON.stringify(slack.topLevel()[0]!.attachments).includes('Silenced by') ? slack.topLevel()[0] : undefined),
      'the message marked silenced',
    );
    const blocks = JSON.stringify(message.attachments);
    expect(blocks).toContain(`Silenced by <@U0ALICE01> until`);
    expect(blocks).toContain(`${am.url}/#/silences/${silence!.id}`);
    expect(blocks).toContain('"action_id":"unsilence"');
    expect(blocks).not.toContain('"action_id":"silence_1h"');
    // The thread reply follows the edit.
    const reply = await eventually(() => slack.thread(message.ts).find((m) => m.text.startsWith('🔕')), 'the thread reply');
    expect(reply.text).toMatch(
      /^🔕 <@U0ALICE01> silenced alertname="DiskFilling", instance=~"db-1:9100\|db-2:9100", severity="warning" for 1 h$/,
    );
  });

  it('expires the silence on "Unsilence"', async () => {
    const [silence] = await silences();
    expect((await click(blockActionsPayload(message, 'unsilence', { user: 'U0BOB0001' }))).status).toBe(200);
    await eventually(
      async () => ((await silences()).find((s) => s.id === silence!.id)?.status.state === 'expired' ? true : undefined),
      'the silence expired',
    );
    message = await eventually(
      () => (JSON.stringify(slack.topLevel()[0]!.attachments).includes('silence_1h') ? slack.topLevel()[0] : undefined),
      'Silence buttons back',
    );
    expect(JSON.stringify(message.attachments)).not.toContain('Silenced by');
  });

  it('marks the message acknowledged, and tells the clicker privately when a click fails', async () => {
    expect((await click(blockActionsPayload(message, 'acknowledge'))).status).toBe(200);
    message = await eventually(
      () => (JSON.stringify(slack.topLevel()[0]!.attachments).includes('Acknowledged by <@U0ALICE01>') ? slack.topLevel()[0] : undefined),
      'the message acknowledged',
    );
    expect(JSON.stringify(message.attachments)).not.toContain('"action_id":"acknowledge"');
    // Alertmanager gone: the click fails, is counted, and the clicker is told through response_url.
    await am.stop();
    const responses = slack.standIn.requests.length;
    expect((await click(blockActionsPayload(message, 'silence_4h', { responseUrl: `${slack.standIn.url}/response/1` }))).status).toBe(200);
    const told = await eventually(
      () => slack.standIn.requests.slice(responses).find((r) => r.url === '/response/1'),
      'the ephemeral answer',
    );
    expect(JSON.parse(told.body)).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(JSON.parse(told.body).text).toMatch(/could not silence 4h: Alertmanager unreachable/);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/alertpipe_slack_clicks_total\{button="silence_4h",outcome="failed"\} 1/);
  });
});
