import type { ReadinessCheck } from '../http/health/health-routes.js';
import type { SlackInteractionDeps } from '../integrations/slack/slack-interactions-routes.js';
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
 * handler as a signed HTTP click, through the generation it arrived on.
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
  let connections: Array<{ readonly action: string; readonly connection: SocketModeConnection }> = [];
  const logger = deps.logger.child({ component: 'slack-socket-mode' });

  return {
    async replace(next) {
      await Promise.all(connections.map(({ connection }) => connection.stop()));
      // An app the new config no longer has leaves no gauge behind.
      deps.metrics.slackSocketConnected.reset();
      connections = next.sockets.map((socket) => {
        const action = socket.actions[0] ?? 'slack';
        const child = logger.child({ action });
        const connection = startSocketMode({
          open: socket.open,
          logger: child,
          ...tuning,
          onEnvelope: (envelope) =>
            void deps.clicks
              .track(receiveSocketEnvelope(next, envelope, socket.actions))
              .catch((error: unknown) => child.error('Slack Socket Mode click could not be handled', { error: String(error) })),
          onState: (state) => deps.metrics.slackSocketConnected.set({ action }, state.connected ? 1 : 0),
          onReconnect: (reason) => deps.metrics.slackSocketReconnects.inc({ action, reason }),
        });
        deps.metrics.slackSocketConnected.set({ action }, 0);
        return { action, connection };
      });
    },
    readiness() {
      const down = connections
        .map(({ action, connection }) => ({ action, state: connection.state() }))
        .flatMap(({ action, state }) =>
          !state.connected && Date.now() - state.since > downGraceMs
            ? [`${action} down for ${Math.round((Date.now() - state.since) / 1000)} s (${state.reason})`]
            : [],
        );
      return down.length === 0 ? { ok: true } : { ok: false, reason: `Slack Socket Mode: ${down.join('; ')}` };
    },
    async stop() {
      await Promise.all(connections.map(({ connection }) => connection.stop()));
      connections = [];
    },
  };
}
