import { afterEach, describe, expect, it } from 'vitest';
import { createSlackApi } from '../../../../src/integrations/slack/slack-api.js';
import { startSocketMode, type SocketEnvelope, type SocketModeConnection } from '../../../../src/integrations/slack/slack-socket-mode.js';
import { createSilentLogger } from '../../../../src/observability/logger.js';
import { APP_TOKEN, startFakeSlackApi, type FakeSlackApi } from '../../../support/fake-slack-api.js';
import { startFakeSlackSocket, type FakeSlackSocket } from '../../../support/fake-slack-socket.js';

describe('Slack Socket Mode against the stand-in', () => {
  let socket: FakeSlackSocket;
  let api: FakeSlackApi;
  let connection: SocketModeConnection | undefined;
  afterEach(async () => {
    await connection?.stop();
    await socket?.close();
    await api?.close();
  });

  const start = async (token = APP_TOKEN) => {
    socket = await startFakeSlackSocket({ ackTimeoutMs: 500 });
    api = await startFakeSlackApi(undefined, { socket });
    const received: SocketEnvelope[] = [];
    const reasons: string[] = [];
    const appApi = createSlackApi({ token, apiUrl: api.url, timeoutMs: 2_000, logger: createSilentLogger() });
    connection = startSocketMode({
      open: (signal) => appApi.openSocketUrl(signal),
      logger: createSilentLogger(),
      onEnvelope: (envelope) => received.push(envelope),
      onReconnect: (reason) => reasons.push(reason),
      pingIntervalMs: 100,
      silenceMs: 600,
      backoff: { initialMs: 50, maxMs: 200 },
    });
    return { received, reasons };
  };

  it('acknowledges each envelope, so the stand-in never redelivers it', async () => {
    const { received } = await start();
    await socket.until(() => connection?.state().connected === true, 'connected');
    const envelope = socket.sendInteractive({ type: 'block_actions' });
    await socket.until(() => envelope.acked, 'the ack');
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(received.map((e) => e.envelopeId)).toEqual([envelope.envelopeId]);
    expect(envelope.deliveries).toHaveLength(1);
  });

  it('gets an envelope again with retry_attempt 1 when its ack was lost', async () => {
    const { received } = await start();
    await socket.until(() => connection?.state().connected === true, 'connected');
    socket.loseNextAck();
    const envelope = socket.sendInteractive({ type: 'block_actions' });
    await socket.until(() => envelope.acked, 'the second ack');
    expect(received.map((e) => e.retryAttempt)).toEqual([0, 1]);
    expect(received[1]?.retryReason).toBe('timeout');
  });

  for (const [name, cut, reason] of [
    ['refresh_requested', (s: FakeSlackSocket) => s.disconnect('refresh_requested'), 'refresh_requested'],
    ['a dropped socket', (s: FakeSlackSocket) => s.drop(), 'dropped'],
    ['a connection gone silent', (s: FakeSlackSocket) => s.goSilent(), 'silent'],
  ] as const) {
    it(`opens a new connection after ${name}, and envelopes arrive on it`, async () => {
      const { received, reasons } = await start();
      await socket.until(() => connection?.state().connected === true, 'connected');
      cut(socket);
      await socket.until(() => socket.accepted() >= 2 && connection?.state().connected === true, 'reconnected', 5_000);
      expect(reasons).toContain(reason);
      const envelope = socket.sendInteractive({ type: 'block_actions' });
      await socket.until(() => envelope.acked, 'the ack on the new connection');
      expect(received.at(-1)?.envelopeId).toBe(envelope.envelopeId);
    });
  }

  it('says not_allowed_token_type for a bot token, and keeps trying with backoff', async () => {
    socket = await startFakeSlackSocket();
    api = await startFakeSlackApi(undefined, { socket });
    const start2 = await (async () => {
      const appApi = createSlackApi({ token: api.token, apiUrl: api.url, timeoutMs: 2_000, logger: createSilentLogger() });
      return startSocketMode({
        open: (signal) => appApi.openSocketUrl(signal),
        logger: createSilentLogger(),
        onEnvelope: () => {},
        backoff: { initialMs: 50, maxMs: 100 },
      });
    })();
    connection = start2;
    await socket.until(() => api.calls('apps.connections.open').length >= 2, 'two attempts');
    const state = start2.state();
    expect(state.connected).toBe(false);
    expect(state.connected ? '' : state.reason).toMatch(/not_allowed_token_type: that is not an app-level token/);
  });
});
