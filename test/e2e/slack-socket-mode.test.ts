import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binariesAvailable } from '../support/binaries.js';
import { freePort } from '../support/child-service.js';
import { APP_TOKEN, blockActionsPayload, startFakeSlackApi, type FakeSlackApi, type StoredMessage } from '../support/fake-slack-api.js';
import { startFakeSlackSocket, type FakeSlackSocket, type SentEnvelope } from '../support/fake-slack-socket.js';
import { startAlertmanager, webhookAlertmanagerConfig, type RealAlertmanager } from '../support/real-alertmanager.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { until } from '../support/until.js';

const tools = binariesAvailable('prometheus-alertmanager', 'amtool');

// Short enough that each cut is over in a second or two; the defaults (5 s pings, 30 s silence,
// 15 s grace) are what a deployment runs with.
const TUNING = { pingIntervalMs: 150, silenceMs: 900, backoff: { initialMs: 100, maxMs: 400 }, downGraceMs: 500 };
// "Re-opened within seconds": from the cut to Slack's next hello on a new connection.
const REOPEN_WITHIN_MS = 3_000;

interface Silence {
  readonly id: string;
  readonly status: { readonly state: string };
  readonly matchers: ReadonlyArray<{ readonly name: string; readonly value: string; readonly isRegex: boolean }>;
  readonly createdBy: string;
}

/** A webhook body as Alertmanager sends it, for a group of one alert named `alertname`. */
function webhookBody(alertname: string): object {
  const labels = { alertname, namespace: 'shop', pod: `${alertname.toLowerCase()}-1`, severity: 'critical' };
  return {
    version: '4',
    groupKey: `{}:{alertname="${alertname}"}`,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'alertpipe',
    groupLabels: { alertname },
    commonLabels: labels,
    commonAnnotations: { summary: 'Pod is crash looping.' },
    externalURL: 'http://alertmanager:9093',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations: { summary: 'Pod is crash looping.' },
        startsAt: new Date().toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus:9090/graph?g0.expr=up',
      },
    ],
  };
}

describe.skipIf(!tools.available)(
  'Slack buttons over Socket Mode only (app token and bot token, no inbound HTTP), with a real Alertmanager',
  () => {
    let socket: FakeSlackSocket;
    let slack: FakeSlackApi;
    let am: RealAlertmanager;
    let app: TestService;

    beforeAll(async () => {
      socket = await startFakeSlackSocket({ ackTimeoutMs: 1_000 });
      slack = await startFakeSlackApi(undefined, { socket });
      // Alertmanager here takes silences only; its own notifications go to a port nobody listens on.
      am = await startAlertmanager(webhookAlertmanagerConfig(`http://127.0.0.1:${await freePort()}/alert`));
      app = await startTestService(
        null,
        {
          SLACK_BOT_TOKEN: slack.token,
          SLACK_APP_TOKEN: APP_TOKEN,
          SLACK_CHANNEL: '#alerts',
          SLACK_API_URL: slack.url,
          ALERTMANAGER_URL: am.url,
        },
        { slackSocket: TUNING },
      );
      await until(() => connected(), 10_000, 'the first Socket Mode connection');
    }, 30_000);
    afterAll(async () => {
      await app?.stop();
      await am?.stop();
      await socket?.close();
      await slack?.close();
    });

    const connected = (): boolean => socket.openConnections() === 1 && app.logs.some((l) => l.message === 'Slack Socket Mode connected');
    const silences = async (): Promise<Silence[]> => (await (await fetch(`${am.url}/api/v2/silences`)).json()) as Silence[];
    const silencesOf = async (alertname: string): Promise<Silence[]> =>
      (await silences()).filter(
        (s) => s.status.state === 'active' && s.matchers.some((m) => m.name === 'alertname' && m.value === alertname),
      );
    const metrics = async (): Promise<string> => (await fetch(`${app.url}/metrics`)).text();

    /** Sends a group to alertpipe and returns its Slack message once posted. */
    async function messageFor(alertname: string): Promise<StoredMessage> {
      const answer = await app.post('/alert', webhookBody(alertname));
      expect(answer.status).toBe(200);
      await app.untilDone(answer.body.id as string);
      const found = slack.topLevel().find((m) => JSON.stringify(m.attachments).includes(`FIRING: ${alertname}`));
      if (found === undefined) throw new Error(`no message for ${alertname}`);
      return found;
    }

    /** Waits for the click's silence and the message's edit that shows it. */
    async function silencedAndEdited(alertname: string, message: StoredMessage): Promise<Silence[]> {
      let found: Silence[] = [];
      await until(async () => (found = await silencesOf(alertname)).length > 0, 10_000, `a silence of ${alertname} in Alertmanager`);
      await until(() => message.edits > 0 && JSON.stringify(message.attachments).includes('Silenced by <@U0ALICE01>'), 10_000, 'the edit');
      return found;
    }

    it('says at start that clicks arrive over Socket Mode, draws the buttons, and has no inbound route', async () => {
      const line = app.logs.find((l) => l.message === 'Slack app buttons');
      expect(line).toMatchObject({ action: 'slack', clicks: 'Socket Mode' });
      const message = await messageFor('ButtonsDrawn');
      expect(JSON.stringify(message.attachments)).toContain('"action_id":"silence_1h"');
      // No signing secret: the HTTP route is off, whatever is posted to it.
      const posted = await fetch(`${app.url}/slack/interactions`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `payload=${encodeURIComponent(JSON.stringify(blockActionsPayload(message, 'silence_1h')))}`,
      });
      expect(posted.status).toBe(404);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await silencesOf('ButtonsDrawn')).toEqual([]);
    });

    it('creates the silence in Alertmanager on a "Silence 1h" that arrives over the socket, and edits the message', async () => {
      const message = await messageFor('SocketSilence');
      const before = Date.now();
      const envelope = socket.sendInteractive(blockActionsPayload(message, 'silence_1h'));
      await until(() => envelope.acked, 3_000, 'the ack');
      const [silence, ...more] = await silencedAndEdited('SocketSilence', message);
      expect(more).toEqual([]);
      const listed = JSON.parse(
        execFileSync('amtool', ['silence', 'query', '-o', 'json', `--alertmanager.url=${am.url}`, 'alertname=SocketSilence'], {
          encoding: 'utf8',
          timeout: 10_000,
        }),
      ) as Array<{ id: string; endsAt: string; createdBy: string }>;
      expect(listed.map((s) => s.id)).toEqual([silence!.id]);
      expect(Date.parse(listed[0]!.endsAt)).toBeGreaterThanOrEqual(before + 3_600_000 - 1_000);
      expect(listed[0]!.createdBy).toBe('alice (Slack U0ALICE01)');
      const update = slack.calls('chat.update').find((c) => c.ts === message.ts);
      expect(update?.channel).toBe('C0ALERTS1');
      expect(JSON.stringify(message.attachments)).toContain(`${am.url}/#/silences/${silence!.id}`);
      expect(JSON.stringify(message.attachments)).not.toContain('"action_id":"silence_1h"');
      expect(envelope.deliveries).toHaveLength(1);
    });

    for (const [name, cut, reason] of [
      [
        'Slack asks for a refresh (disconnect, refresh_requested)',
        (s: FakeSlackSocket) => s.disconnect('refresh_requested'),
        'refresh_requested',
      ],
      ['the socket is dropped', (s: FakeSlackSocket) => s.drop(), 'dropped'],
      ['the socket goes silent', (s: FakeSlackSocket) => s.goSilent(), 'silent'],
    ] as const) {
      it(`when ${name}: a click acked just before is handled, the socket is re-opened within seconds, and the next click works`, async () => {
        const alertname = `Cut${reason.replace(/_/g, '')}`;
        const [first, second] = [await messageFor(`${alertname}A`), await messageFor(`${alertname}B`)];
        const accepted = socket.accepted();
        const reconnects = app.logs.filter((l) => l.message === 'Slack Socket Mode connected').length;
        const envelope = socket.sendInteractive(blockActionsPayload(first, 'silence_1h'));
        await until(() => envelope.acked, 3_000, 'the ack');
        const cutAt = Date.now();
        cut(socket);
        await until(
          () => socket.accepted() > accepted && app.logs.filter((l) => l.message === 'Slack Socket Mode connected').length > reconnects,
          REOPEN_WITHIN_MS + TUNING.silenceMs,
          'a new connection',
        );
        const reopenedMs = Date.now() - cutAt;
        // A silent link is noticed after silenceMs at most; the others at once.
        expect(reopenedMs).toBeLessThan(REOPEN_WITHIN_MS + (reason === 'silent' ? TUNING.silenceMs : 0));
        expect(await silencedAndEdited(`${alertname}A`, first)).toHaveLength(1);
        expect(envelope.deliveries).toHaveLength(1);
        expect(await metrics()).toMatch(new RegExp(`alertpipe_slack_socket_reconnects_total\\{action="slack",reason="${reason}"\\} [1-9]`));
        const after = socket.sendInteractive(blockActionsPayload(second, 'silence_1h'));
        await until(() => after.acked, 3_000, 'the ack on the new connection');
        expect(await silencedAndEdited(`${alertname}B`, second)).toHaveLength(1);
      });
    }

    it('handles once a click whose ack was lost and that Slack sent again', async () => {
      const message = await messageFor('LostAck');
      socket.loseNextAck();
      const envelope: SentEnvelope = socket.sendInteractive(blockActionsPayload(message, 'silence_1h'));
      await until(() => envelope.acked, 5_000, 'the ack of the redelivery');
      expect(envelope.deliveries.map((d) => d.retryAttempt)).toEqual([0, 1]);
      await silencedAndEdited('LostAck', message);
      await app.waitForLog((l) => l.message === 'Slack Socket Mode envelope received again (its ack was lost); handled once already');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await silencesOf('LostAck')).toHaveLength(1);
      expect(slack.calls('chat.update').filter((c) => c.ts === message.ts)).toHaveLength(1);
    });

    it('is not ready while the socket stays down, says why, and shows it in the metrics; ready again once re-opened', async () => {
      // apps.connections.open refuses for a while: the connection cannot come back at once.
      slack.failNext('apps.connections.open', 'internal_error', 6);
      socket.drop();
      let readiness: { status: number; body: { failing?: Record<string, string> } } = { status: 0, body: {} };
      await until(
        async () => {
          const response = await fetch(`${app.url}/readyz`);
          readiness = { status: response.status, body: (await response.json()) as typeof readiness.body };
          return response.status === 503;
        },
        5_000,
        'not ready',
      );
      expect(readiness.body.failing?.slack_socket).toMatch(/^Slack Socket Mode: slack down for \d+ s \((dropped|open_failed): .+\)$/);
      const down = await metrics();
      expect(down).toMatch(/alertpipe_slack_socket_connected\{action="slack"\} 0/);
      expect(down).toMatch(/alertpipe_slack_socket_reconnects_total\{action="slack",reason="open_failed"\} [1-9]/);
      await until(async () => (await fetch(`${app.url}/readyz`)).status === 200, 10_000, 'ready again');
      expect(await metrics()).toMatch(/alertpipe_slack_socket_connected\{action="slack"\} 1/);
      expect(socket.openConnections()).toBe(1);
    });
  },
);
