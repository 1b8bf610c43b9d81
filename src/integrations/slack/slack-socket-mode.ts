import WebSocket from 'ws';
import type { Logger } from '../../observability/logger.js';
import { SlackPlatformError } from './slack-api-error.js';

/** One envelope as Slack sends it over the socket (docs.slack.dev/apis/events-api/using-socket-mode). */
export interface SocketEnvelope {
  readonly type: string;
  readonly envelopeId: string;
  readonly payload: unknown;
  /** How many times Slack sent it before, its ack not having arrived (0 the first time). */
  readonly retryAttempt: number;
  readonly retryReason: string;
}

export interface SocketModeOptions {
  /** `apps.connections.open` with the app-level token: a fresh single-use `wss://` URL each time. */
  readonly open: (signal: AbortSignal) => Promise<string>;
  readonly logger: Logger;
  /** Gets each envelope after its ack went out; must not throw and should not wait (it runs behind the ack). */
  readonly onEnvelope: (envelope: SocketEnvelope) => void;
  /** Connected (Slack said `hello`) or not, and why not. */
  readonly onState?: (state: SocketState) => void;
  /** Each reconnect, with its reason (`refresh_requested`, `link_disabled`, `warning`, `dropped`, `silent`, `open_failed`). */
  readonly onReconnect?: (reason: string) => void;
  /** A WebSocket ping goes out this often… */
  readonly pingIntervalMs?: number;
  /** …and a connection from which nothing (no message, no pong) came for this long is dropped and opened anew. */
  readonly silenceMs?: number;
  /** Backoff between failed attempts: doubles from the first to the last, reset by each `hello`. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

export type SocketState = { readonly connected: true } | { readonly connected: false; readonly since: number; readonly reason: string };

export interface SocketModeConnection {
  state(): SocketState;
  /** Closes the socket and opens no other; resolves once it is closed. */
  stop(): Promise<void>;
}

// Slack checks its connections with pings every few seconds; a bound of 30 s silence catches a dead
// link (a NAT that dropped it, a half-open TCP) long before Slack's own redelivery gives up.
const DEFAULTS = { pingIntervalMs: 5_000, silenceMs: 30_000, backoff: { initialMs: 1_000, maxMs: 60_000 } };
const CLOSE_WAIT_MS = 1_000;
// A connection Slack ends sooner than this after it opened is reopened after the backoff, not at once:
// a Slack that says hello and disconnect in a loop gets one attempt a second, not a busy loop.
const MIN_LIFETIME_MS = 2_000;

/**
 * A Slack Socket Mode connection kept open: `apps.connections.open`, the WebSocket, an ack for
 * each envelope the moment it arrives (Slack redelivers what is not acknowledged within 3 s, so the
 * ack never waits for the work), and a new connection on Slack's `disconnect` (at once: Slack asks
 * for it), on a dropped socket or one gone silent (after a backoff that grows while attempts fail).
 */
export function startSocketMode(options: SocketModeOptions): SocketModeConnection {
  const { logger } = options;
  const pingIntervalMs = options.pingIntervalMs ?? DEFAULTS.pingIntervalMs;
  const silenceMs = options.silenceMs ?? DEFAULTS.silenceMs;
  const backoff = options.backoff ?? DEFAULTS.backoff;
  const stopping = new AbortController();
  let state: SocketState = { connected: false, since: Date.now(), reason: 'connecting' };
  let socket: WebSocket | undefined;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let openedAt = 0;

  const setState = (next: SocketState): void => {
    // A connection that was down stays down since the first moment it went, whatever comes after.
    state = next.connected || state.connected ? next : { ...next, since: state.since };
    options.onState?.(state);
  };

  function reconnect(reason: string, detail: string, at: 'now' | 'after backoff'): void {
    if (stopping.signal.aborted || retryTimer !== undefined) return;
    setState({ connected: false, since: Date.now(), reason: `${reason}: ${detail}` });
    options.onReconnect?.(reason);
    const quick = at === 'now' && Date.now() - openedAt >= MIN_LIFETIME_MS;
    const delay = quick ? 0 : Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(failures, 20));
    if (!quick) failures += 1;
    logger.warn('Slack Socket Mode connection lost; opening another', { reason, detail, inMs: delay });
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delay);
  }

  async function connect(): Promise<void> {
    openedAt = Date.now();
    let url: string;
    try {
      url = await options.open(stopping.signal);
    } catch (error) {
      if (stopping.signal.aborted) return;
      reconnect('open_failed', openFailure(error), 'after backoff');
      return;
    }
    if (stopping.signal.aborted) return;
    const ws = new WebSocket(url, { handshakeTimeout: silenceMs });
    socket = ws;
    let lastHeard = Date.now();
    const heard = (): void => void (lastHeard = Date.now());
    const watch = setInterval(() => {
      if (Date.now() - lastHeard > silenceMs) {
        ws.terminate();
        lost('silent', `nothing heard for ${Math.round((Date.now() - lastHeard) / 1000)} s`, 'now');
        return;
      }
      if (ws.readyState === WebSocket.OPEN) ws.ping();
    }, pingIntervalMs);
    let done = false;
    // Every end of this socket comes here once: the next connection is opened only by the first.
    const lost = (reason: string, detail: string, at: 'now' | 'after backoff'): void => {
      if (done) return;
      done = true;
      clearInterval(watch);
      if (socket === ws) socket = undefined;
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
      reconnect(reason, detail, at);
    };
    ws.on('pong', heard);
    ws.on('ping', heard);
    ws.on('error', (error) => lost('dropped', error.message, 'after backoff'));
    ws.on('close', (code) => lost('dropped', `closed (${code})`, 'after backoff'));
    ws.on('message', (data) => {
      heard();
      const message = parse(String(data));
      if (message === undefined) return logger.warn('Slack Socket Mode sent something that is not an envelope; ignored');
      if (message.type === 'hello') {
        failures = 0;
        setState({ connected: true });
        logger.info('Slack Socket Mode connected', { connections: message.num_connections, host: message.debug_info?.host });
        return;
      }
      if (message.type === 'disconnect') {
        // refresh_requested (a connection lives a few hours), warning (it ends in ~10 s), link_disabled.
        lost(typeof message.reason === 'string' ? message.reason : 'disconnect', 'Slack asked for a new connection', 'now');
        return;
      }
      if (typeof message.envelope_id !== 'string') return;
      ws.send(JSON.stringify({ envelope_id: message.envelope_id }));
      options.onEnvelope({
        type: String(message.type),
        envelopeId: message.envelope_id,
        payload: message.payload,
        retryAttempt: typeof message.retry_attempt === 'number' ? message.retry_attempt : 0,
        retryReason: typeof message.retry_reason === 'string' ? message.retry_reason : '',
      });
    });
  }

  void connect();
  return {
    state: () => state,
    async stop() {
      stopping.abort();
      clearTimeout(retryTimer);
      const ws = socket;
      socket = undefined;
      if (ws === undefined || ws.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => (ws.terminate(), resolve()), CLOSE_WAIT_MS);
        ws.once('close', () => (clearTimeout(timer), resolve()));
        ws.close(1000, 'shutting down');
      });
    },
  };
}

interface SocketMessage {
  readonly type?: unknown;
  readonly envelope_id?: unknown;
  readonly payload?: unknown;
  readonly retry_attempt?: unknown;
  readonly retry_reason?: unknown;
  readonly reason?: unknown;
  readonly num_connections?: unknown;
  readonly debug_info?: { readonly host?: unknown };
}

function parse(text: string): SocketMessage | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as SocketMessage) : undefined;
  } catch {
    return undefined;
  }
}

// What a person must do when apps.connections.open refuses the token.
const OPEN_ADVICE: Readonly<Record<string, string>> = {
  invalid_auth: 'the app-level token is not valid: create one (xapp-…) under "Basic Information", "App-Level Tokens"',
  not_authed: 'no app-level token was sent: set app_token (or SLACK_APP_TOKEN)',
  not_allowed_token_type: 'that is not an app-level token: Socket Mode takes the xapp-… token, not the bot token (xoxb-…)',
  missing_scope: 'the app-level token lacks connections:write: add that scope to the token',
};

function openFailure(error: unknown): string {
  if (error instanceof SlackPlatformError)
    return `apps.connections.open answered ${error.code}: ${OPEN_ADVICE[error.code] ?? error.message}`;
  return error instanceof Error ? error.message : String(error);
}
