import { claimOnce } from './claim-once.js';
import type { Action } from '../integrations/action.js';
import { createClickHandler } from '../integrations/slack/slack-interactions.js';
import { SLACK_SIGNATURE_MAX_AGE_S } from '../integrations/slack/slack-signature.js';
import type { SlackAppHandle } from '../integrations/slack/slack-app-action.js';
import type { EpisodeState } from '../integrations/slack/slack-episode.js';
import type { DeliveryStore } from '../store/ports/delivery-store.js';
import type { InFlightWork } from '../lib/in-flight-work.js';
import type { SlackInteractionDeps } from '../integrations/slack/slack-interactions-routes.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { routeAlerts, type Route } from '../pipeline/router.js';
import type { IncidentControl } from '../integrations/incident-control.js';

const CLICK_TIMEOUT_MS = 10_000;

/**
 * `POST /slack/interactions` for the configured Slack app actions: their signing secrets, and the
 * click handler with what it reaches (the store's message references, Alertmanager through each
 * action, PagerDuty actions the same alerts were routed to, the history). Clicks run behind the
 * answer, tracked by `clicks` so that shutdown waits for them.
 */
export function buildSlackInteractions(deps: {
  readonly actions: ReadonlyMap<string, Action>;
  readonly routes: readonly Route[];
  readonly store: DeliveryStore;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly clicks: InFlightWork;
  readonly shutdownSignal: AbortSignal;
  /** `alertmanager.url` (ALERTMANAGER_URL): where Silence goes for an action that names no Alertmanager of its own. */
  readonly alertmanagerUrl: string | undefined;
  /** Acknowledge also acknowledges the group's episode under escalation, so that its chain stops. */
  readonly incidentControl?: IncidentControl;
}): SlackInteractionDeps {
  const apps = new Map<string, SlackAppHandle>();
  for (const action of deps.actions.values()) {
    const app = action.capabilities?.slackApp;
    if (app !== undefined) apps.set(action.name, { ...app, alertmanagerUrl: app.alertmanagerUrl ?? deps.alertmanagerUrl });
  }
  // Each secret, and the apps it may speak for: two actions of one Slack app share one secret.
  const signers = new Map<string, string[]>();
  for (const app of apps.values())
    if (app.signingSecret) signers.set(app.signingSecret, [...(signers.get(app.signingSecret) ?? []), app.action]);
  const logger = deps.logger.child({ component: 'slack-interactions' });
  // Each app-level token once, with the apps it speaks for: one socket per Slack app, not per action.
  const sockets = new Map<string, { appToken: string; open: (signal: AbortSignal) => Promise<string>; actions: string[] }>();
  for (const app of apps.values()) {
    if (app.socketMode === undefined) continue;
    const socket = sockets.get(app.socketMode.appToken) ?? { appToken: app.socketMode.appToken, open: app.socketMode.open, actions: [] };
    socket.actions.push(app.action);
    sockets.set(app.socketMode.appToken, socket);
  }
  for (const app of apps.values()) logger.info('Slack app buttons', { action: app.action, clicks: clickPath(app) });
  const handler = createClickHandler({
    apps,
    refs: deps.store,
    logger,
    timeoutMs: CLICK_TIMEOUT_MS,
    shutdownSignal: deps.shutdownSignal,
    pace: async (action) => {
      const limit = deps.actions.get(action)?.rateLimit;
      return limit === undefined ? 0 : deps.store.rateDelay(limit, 1, Date.now());
    },
    count: (button, outcome) => deps.metrics.slackClicks.inc({ button, outcome }),
    silenced: (ref, state, { kind, by, until, matchers }) =>
      deps.store.recordEvent(state.notificationId, {
        at: Date.now(),
        kind,
        action: ref.action,
        fingerprints: Object.keys(state.alerts),
        by: { id: by.id, name: by.name, via: 'Slack' },
        ...(until === undefined ? {} : { until }),
        ...(matchers === undefined ? {} : { detail: matchers }),
      }),
    async acknowledged(ref, state: EpisodeState, by) {
      const firing = Object.keys(state.alerts).filter((fp) => state.alerts[fp] === 'firing');
      const actor = { id: by.id, name: by.name, via: 'Slack' };
      const record = await deps.store.getNotification(state.notificationId);
      const lines: string[] = [];
      // The group's episode first: its chain stops before anything slower (PagerDuty) is asked.
      const episode = await deps.incidentControl?.command({ groupKey: ref.groupKey }, 'acknowledge', actor);
      if (episode?.done) lines.push(`⏹️ Escalation ${episode.incident.policy} stopped: no further step runs`);
      // The episode's acknowledgement is the history event when there is one; else the click's own.
      else
        await deps.store.recordEvent(state.notificationId, {
          at: Date.now(),
          kind: 'acknowledged',
          action: ref.action,
          fingerprints: firing,
          by: actor,
        });
      if (record === undefined) return lines;
      // The actions that acknowledge (PagerDuty) the same alerts were routed to, by the same routes.
      const alerts = record.notification.alerts.filter((a) => firing.includes(a.fingerprint));
      for (const [name, routed] of routeAlerts(alerts, deps.routes).byAction) {
        const acknowledge = deps.actions.get(name)?.capabilities?.acknowledge;
        if (acknowledge === undefined) continue;
        lines.push(
          await acknowledge(
            routed.map((a) => a.fingerprint),
            deps.shutdownSignal,
          ),
        );
      }
      return lines;
    },
  });
  return {
    signers,
    sockets: [...sockets.values()],
    logger,
    // Held in the store's dedup keys (shared by replicas) for twice a signature's life: a replay
    // is refused until Slack itself would have refused it as stale.
    firstSeen: async (signature) => (await claimOnce(deps.store, `slack-click:${signature}`, 2 * SLACK_SIGNATURE_MAX_AGE_S * 1000)).first,
    handle: (interaction) => void deps.clicks.track(handler.handle(interaction)),
  };
}

/** Which way an action's clicks arrive, for the start-up log. */
function clickPath(app: SlackAppHandle): string {
  const ways = [...(app.signingSecret ? ['HTTP at /slack/interactions'] : []), ...(app.socketMode ? ['Socket Mode'] : [])];
  return ways.length === 0 ? 'none: buttons not drawn (set signing_secret or app_token)' : ways.join(' and ');
}
