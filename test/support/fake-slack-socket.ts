import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** One envelope the stand-in sent, and what became of it. */
export interface SentEnvelope {
  readonly envelopeId: string;
  readonly payload: object;
  /** Each delivery: the connection it went to and its retry_attempt. */
  readonly deliveries: Array<{ readonly connection: number; readonly retryAttempt: number }>;
  acked: boolean;
}

export interface FakeSlackSocket {
  /** A fresh single-use `wss://`-style URL, as `apps.connections.open` hands out (here `ws://127.0.0.1`). */
  ticketUrl(): string;
  /** Connections open now (each said hello to). */
  openConnections(): number;
  /** Every connection ever accepted. */
  readonly accepted: () => number;
  /** Sends an `interactive` envelope to one open connection; redelivered while unacknowledged. */
  sendInteractive(payload: object): SentEnvelope;
  readonly envelopes: SentEnvelope[];
  /** The next ack that arrives is thrown away, as a lost packet would: Slack redelivers. */
  loseNextAck(): void;
  /** `{"type":"disconnect","reason":…}` to every connection, then closes them after `closeAfterMs`. */
  disconnect(reason: 'refresh_requested' | 'link_disabled' | 'warning', closeAfterMs?: number): void;
  /** Drops every connection without a close frame (a network gone). */
  drop(): void;
  /** The open connections stop sending anything and stop answering pings (a half-open link). */
  goSilent(): void;
  /** Resolves once `check` holds; rejects after `timeoutMs`. */
  until(check: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

// Slack waits this long for an envelope's ack, then sends it again (docs.slack.dev, "Using Socket Mode").
const ACK_TIMEOUT_MS = 3_000;
const MAX_RETRIES = 3;

/**
 * A stand-in for Slack's Socket Mode WebSocket: it takes a connection only with a ticket it handed
 * out, once; says `hello` with `num_connections` and `debug_info`; sends `interactive` envelopes
 * (`envelope_id`, `payload`, `accepts_response_payload`, `retry_attempt`, `retry_reason`) to one
 * connection at a time; expects `{"envelope_id"}` within 3 s, else sends the envelope again with
 * `retry_attempt` + 1 and `retry_reason: "timeout"` (to any open connection, up to 3 times); sends
 * `disconnect` with Slack's reasons; answers pings unless told to go silent.
 */
export async function startFakeSlackSocket(options: { ackTimeoutMs?: number } = {}): Promise<FakeSlackSocket> {
  const ackTimeoutMs = options.ackTimeoutMs ?? ACK_TIMEOUT_MS;
  const tickets = new Set<string>();
  const open = new Map<WebSocket, number>();
  const silent = new Set<WebSocket>();
  const envelopes: SentEnvelope[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let accepted = 0;
  let next = 0;
  let loseAck = false;

  // autoPong off: the stand-in answers pings itself, so that a silent connection can stop.
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    autoPong: false,
    verifyClient: (info: { req: { url?: string } }) => {
      const ticket = new URL(info.req.url ?? '/', 'ws://x').searchParams.get('ticket') ?? '';
      return tickets.delete(ticket);
    },
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const port = (server.address() as AddressInfo).port;

  server.on('connection', (ws) => {
    const id = ++accepted;
    open.set(ws, id);
    ws.on('ping', (data) => {
      if (!silent.has(ws)) ws.pong(data);
    });
    ws.on('close', () => {
      open.delete(ws);
      silent.delete(ws);
    });
    ws.on('message', (data) => {
      if (silent.has(ws)) return;
      let ack: { envelope_id?: unknown };
      try {
        ack = JSON.parse(String(data)) as typeof ack;
      } catch {
        return;
      }
      const envelope = envelopes.find((e) => e.envelopeId === ack.envelope_id);
      if (envelope === undefined) return;
      if (loseAck) {
        loseAck = false;
        return;
      }
      envelope.acked = true;
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: open.size,
        debug_info: { host: 'applink-standin-1', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: 'A0APP0001' },
      }),
    );
  });

  const later = (ms: number, work: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      work();
    }, ms);
    timers.add(timer);
  };

  function deliver(envelope: SentEnvelope, retryAttempt: number): void {
    const targets = [...open.keys()].filter((ws) => !silent.has(ws));
    const ws = targets[next++ % Math.max(targets.length, 1)];
    if (ws !== undefined) {
      envelope.deliveries.push({ connection: open.get(ws) ?? 0, retryAttempt });
      ws.send(
        JSON.stringify({
          envelope_id: envelope.envelopeId,
          payload: envelope.payload,
          type: 'interactive',
          accepts_response_payload: false,
          retry_attempt: retryAttempt,
          retry_reason: retryAttempt === 0 ? '' : 'timeout',
        }),
      );
    }
    later(ackTimeoutMs, () => {
      if (!envelope.acked && retryAttempt < MAX_RETRIES) deliver(envelope, retryAttempt + 1);
    });
  }

  return {
    ticketUrl() {
      const ticket = randomUUID();
      tickets.add(ticket);
      return `ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=A0APP0001`;
    },
    openConnections: () => open.size,
    accepted: () => accepted,
    sendInteractive(payload) {
      const envelope: SentEnvelope = { envelopeId: randomUUID(), payload, deliveries: [], acked: false };
      envelopes.push(envelope);
      deliver(envelope, 0);
      return envelope;
    },
    envelopes,
    loseNextAck() {
      loseAck = true;
    },
    disconnect(reason, closeAfterMs = 1_000) {
      const current = [...open.keys()];
      for (const ws of current) ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-standin-1' } }));
      later(closeAfterMs, () => current.forEach((ws) => ws.close(1000)));
    },
    drop() {
      for (const ws of open.keys()) ws.terminate();
    },
    goSilent() {
      for (const ws of open.keys()) silent.add(ws);
    },
    async until(check, what, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const ws of open.keys()) ws.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
