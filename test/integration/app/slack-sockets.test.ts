import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load-config.js';
import { APP_TOKEN, blockActionsPayload, startFakeSlackApi, type FakeSlackApi } from '../../support/fake-slack-api.js';
import { startFakeSlackSocket, type FakeSlackSocket } from '../../support/fake-slack-socket.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { until } from '../../support/until.js';

const TUNING = { pingIntervalMs: 150, silenceMs: 900, backoff: { initialMs: 100, maxMs: 400 }, downGraceMs: 500 };
const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';

let socket: FakeSlackSocket | undefined;
let slack: FakeSlackApi | undefined;
let app: TestService | undefined;
afterEach(async () => {
  await app?.stop();
  await socket?.close();
  await slack?.close();
  app = socket = slack = undefined;
});

/** A config of Slack app actions, each given as its extra fields (`signing_secret`, `app_token`). */
function configOf(api: FakeSlackApi, actions: Record<string, Record<string, string>>): string {
  const lines = Object.entries(actions).map(
    ([name, extra]) =>
      `  ${name}: ${JSON.stringify({ type: 'slack', bot_token: api.token, channel: '#alerts', api_url: api.url, ...extra })}`,
  );
  return ['actions:', ...lines, 'routes:', `  - actions: [${Object.keys(actions).join(', ')}]`, ''].join('\n');
}

async function start(actions: Record<string, Record<string, string>>): Promise<{ reloadTo: (next: typeof actions) => Promise<void> }> {
  socket = await startFakeSlackSocket({ ackTimeoutMs: 1_000 });
  slack = await startFakeSlackApi(undefined, { socket });
  let yaml = configOf(slack, actions);
  app = await startTestService(
    yaml,
    {},
    {
      slackSocket: TUNING,
      loadConfig: async () => ({ config: parseConfigText(yaml, 'test config', {}), source: 'file', baseDir: process.cwd() }),
    },
  );
  return {
    async reloadTo(next) {
      yaml = configOf(slack!, next);
      const answer = await app!.service.reload();
      expect(answer).toMatchObject({ ok: true });
    },
  };
}

const buttonLog = (action: string) => app!.logs.find((l) => l.message === 'Slack app buttons' && l.action === action);
const metrics = async (): Promise<string> => (await fetch(`${app!.url}/metrics`)).text();

describe('which way Slack clicks arrive', () => {
  it('is said at start for each Slack app action: HTTP, Socket Mode, both, or none (and then no buttons)', async () => {
    await start({
      nowhere: {},
      http: { signing_secret: SIGNING_SECRET },
      socket: { app_token: APP_TOKEN },
      both: { signing_secret: SIGNING_SECRET, app_token: APP_TOKEN },
    });
    expect(buttonLog('nowhere')?.clicks).toBe('none: buttons not drawn (set signing_secret or app_token)');
    expect(buttonLog('http')?.clicks).toBe('HTTP at /slack/interactions');
    expect(buttonLog('socket')?.clicks).toBe('Socket Mode');
    expect(buttonLog('both')?.clicks).toBe('HTTP at /slack/interactions and Socket Mode');
    // Two actions of one app token share one connection.
    await until(() => socket!.openConnections() === 1, 5_000, 'the one connection');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(socket!.accepted()).toBe(1);
  });
});

describe('Socket Mode across a config reload', () => {
  it('keeps the connection of an app token the new config still has, and hands clicks to the new config', async () => {
    const { reloadTo } = await start({ first: { app_token: APP_TOKEN } });
    await until(() => socket!.openConnections() === 1, 5_000, 'connected');
    await reloadTo({ first: { app_token: APP_TOKEN }, second: { app_token: APP_TOKEN } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(socket!.accepted()).toBe(1);
    expect(slack!.calls('apps.connections.open')).toHaveLength(1);
    // A click on a message of the action the reload added, over the connection opened before it.
    const answer = await app!.post('/alert', { labels: { alertname: 'AfterReload', severity: 'critical' } });
    await app!.untilDone(answer.body.id as string);
    const message = slack!
      .topLevel()
      .find((m) => m.metadata?.event_payload?.action === 'second' && JSON.stringify(m.attachments).includes('AfterReload'));
    const envelope = socket!.sendInteractive(blockActionsPayload(message!, 'acknowledge'));
    await until(() => envelope.acked, 3_000, 'the ack');
    await until(() => JSON.stringify(message!.attachments).includes('Acknowledged by <@U0ALICE01>'), 5_000, 'the message acknowledged');
  });

  it('closes the connection of an app token the reload removed, leaving no gauge, and opens it again when it comes back', async () => {
    const { reloadTo } = await start({ first: { app_token: APP_TOKEN } });
    await until(() => socket!.openConnections() === 1, 5_000, 'connected');
    await until(async () => /alertpipe_slack_socket_connected\{action="first"\} 1/.test(await metrics()), 5_000, 'the gauge at 1');
    await reloadTo({ first: { signing_secret: SIGNING_SECRET } });
    await until(() => socket!.openConnections() === 0, 5_000, 'the connection closed');
    expect(await metrics()).not.toMatch(/alertpipe_slack_socket_connected\{/);
    expect((await fetch(`${app!.url}/readyz`)).status).toBe(200);
    await reloadTo({ first: { app_token: APP_TOKEN } });
    await until(() => socket!.openConnections() === 1, 5_000, 'connected again');
    expect(socket!.accepted()).toBe(2);
    await until(async () => /alertpipe_slack_socket_connected\{action="first"\} 1/.test(await metrics()), 5_000, 'the gauge at 1 again');
  });
});
