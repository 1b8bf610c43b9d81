import type { ReadinessCheck } from '../http/health/health-routes.js';
import type { SlackInteractionDeps, SocketModeApp } from '../integrations/slack/slack-interactions-routes.js';
import { receiveSocketEnvelope } from '../integrations/slack/slack-socket-clicks.js';
import { startSocketMode, type SocketModeConnection, type SocketModeOptions } from '../integrations/slack/slack-socket-mode.js';
import type { InFlightWork } from '../lib/in-flight-work.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

export type SocketTuning = Pick<SocketModeOptions, 'pingIntervalMs' | 'silenceMs' | 'backoff'> & { readonly downGraceMs?: number };

export interface SlackSockets {
  /** Closes the connections of the config that was in force and opens those of `next` (start, reload). */
  replace(next: SlackInteractionDeps): Promise<void>;
  /** Down for longer than a routine reconnect takes: not ready, and why. */
  readonly readiness: ReadinessCheck;
  stop(): Promise<void>;
}

// Slack ends every connection after a few hours and a new one takes a second or two: only a
// connection down for longer than this makes the replica not ready.
const DOWN_GRACE_MS = 15_000;

/**
 * The Socket Mode connections of the config in force, one per app-level token, every replica
 * holding its own (Slack spreads envelopes over up to 10). Each envelope goes to the same click
 * handler as a signed HTTP click, through the config in force when it arrives. A reload keeps the
 * connection of a token the new config still has (a click arriving meanwhile is neither refused
 * nor left unacknowledged, and Slack is not asked for a new connection at every reload); it
 * closes those of tokens gone and opens those of new ones.
 */
export function createSlackSockets(deps: {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Shutdown waits for these: an envelope acknowledged is handled before the store closes. */
  readonly clicks: InFlightWork;
  /** For tests: faster pings, shorter silences and backoffs, a shorter grace before not ready. */
  readonly tuning?: SocketTuning;
}): SlackSockets {
  const { downGraceMs = DOWN_GRACE_MS, ...tuning } = deps.tuning ?? {};
  const logger = deps.logger.child({ component: 'slack-socket-mode' });
  /** By app-level token: the connection, and the config in force it hands envelopes to. */
  const connections = new Map<string, HeldSocket>();

  function open(socket: SocketModeApp, interactions: SlackInteractionDeps): HeldSocket {
    // The gauge is named by the app's first action at the time it opened; a reload keeps the name.
    const action = socket.actions[0] ?? 'slack';
    const child = logger.child({ action });
    const held: Pick<HeldSocket, 'current'> = { current: { socket, interactions } };
    const connection = startSocketMode({
      // Through the config in force: a reload's new api_url is used from the next connection on.
      open: (signal) => held.current.socket.open(signal),
      logger: child,
      ...tuning,
      onEnvelope: (envelope) => {
        const { socket: now, interactions: handler } = held.current;
        void deps.clicks
          .track(receiveSocketEnvelope(handler, envelope, now.actions))
          .catch((error: unknown) => child.error('Slack Socket Mode click could not be handled', { error: String(error) }));
      },
      onState: (state) => deps.metrics.slackSocketConnected.set({ action }, state.connected ? 1 : 0),
      onReconnect: (reason) => deps.metrics.slackSocketReconnects.inc({ action, reason }),
    });
    deps.metrics.slackSocketConnected.set({ action }, 0);
    return Object.assign(held, { action, connection });
  }

  async function close(token: string, held: HeldSocket): Promise<void> {
    connections.delete(token);
    await held.connection.stop();
    // An app the config no longer has leaves no gauge behind.
    deps.metrics.slackSocketConnected.remove({ action: held.action });
  }

  return {
    async replace(next) {
      const wanted = new Map(next.sockets.map((socket) => [socket.appToken, socket]));
      await Promise.all([...connections].filter(([token]) => !wanted.has(token)).map(([token, held]) => close(token, held)));
      for (const [token, socket] of wanted) {
        const held = connections.get(token);
        if (held === undefined) connections.set(token, open(socket, next));
        else held.current = { socket, interactions: next };
      }
    },
    readiness() {
      const down = [...connections.values()]
        .map(({ action, connection }) => ({ action, state: connection.state() }))
        .flatMap(({ action, state }) =>
          !state.connected && Date.now() - state.since > downGraceMs
            ? [`${action} down for ${Math.round((Date.now() - state.since) / 1000)} s (${state.reason})`]
            : [],
        );
      return down.length === 0 ? { ok: true } : { ok: false, reason: `Slack Socket Mode: ${down.join('; ')}` };
    },
    async stop() {
      await Promise.all([...connections].map(([token, held]) => close(token, held)));
    },
  };
}

interface HeldSocket {
  readonly action: string;
  /** Swapped by each reload that keeps the token. */
  current: { readonly socket: SocketModeApp; readonly interactions: SlackInteractionDeps };
  readonly connection: SocketModeConnection;
}
