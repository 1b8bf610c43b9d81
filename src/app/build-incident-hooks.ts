import { claimOnce } from './claim-once.js';
import type { IncidentHookDeps } from '../http/incident-hooks/incident-hook-routes.js';
import type { Action } from '../integrations/action.js';
import { groupKeyHash } from '../integrations/chat/group-key-hash.js';
import type { IncidentControl, IncidentRef } from '../integrations/incident-control.js';
import type { IncidentTarget, IncidentWebhook } from '../integrations/incident-webhook.js';
import type { Logger } from '../observability/logger.js';
import type { DeliveryStore } from '../store/ports/delivery-store.js';

// Open episodes compared with an Opsgenie alias: far more than are ever open at once.
const OPEN_EPISODES_SEARCHED = 1_000;

/**
 * The webhooks of the configured actions that declare `incidentWebhook` (PagerDuty, Opsgenie,
 * Telegram), joined to the one `IncidentControl`: each platform's target is turned into the
 * episode it means here, since only the app reads the store. With no such action, the paths
 * answer 404.
 */
export function buildIncidentHooks(deps: {
  readonly actions: ReadonlyMap<string, Action>;
  readonly store: DeliveryStore;
  readonly control: IncidentControl;
  readonly logger: Logger;
  readonly shutdownSignal: AbortSignal;
}): IncidentHookDeps {
  const { control, store } = deps;
  const hooks: IncidentWebhook[] = [];
  for (const action of deps.actions.values()) {
    const hook = action.capabilities?.incidentWebhook;
    if (hook !== undefined) hooks.push(hook);
  }
  const logger = deps.logger.child({ component: 'incident-webhooks' });
  for (const path of new Set(hooks.map((h) => h.path))) logger.info('incident webhook on', { path });

  async function refOf(target: IncidentTarget): Promise<IncidentRef | undefined> {
    if ('groupKey' in target) return { groupKey: target.groupKey };
    if ('messageRef' in target) {
      const ref = await store.getMessageRef(target.messageRef);
      return ref === undefined ? undefined : { groupKey: ref.groupKey };
    }
    if ('alertFingerprint' in target) {
      // The group the alert last arrived in: PagerDuty knows alertpipe's alerts, one incident each.
      const page = await store.listNotifications({ limit: 1, filter: { fingerprint: target.alertFingerprint } });
      const record = page.records[0];
      return record === undefined ? undefined : { groupKey: record.notification.groupKey };
    }
    const open = await store.listIncidents({ states: ['triggered', 'acknowledged'], limit: OPEN_EPISODES_SEARCHED });
    const episode = open.find((incident) => groupKeyHash(incident.groupKey) === target.groupKeyHash);
    return episode === undefined ? undefined : { id: episode.id };
  }

  return {
    hooks,
    logger,
    shutdownSignal: deps.shutdownSignal,
    claimEvent: (eventId, windowMs) => claimOnce(store, `incident-webhook-event:${eventId}`, windowMs),
    async run({ target, command, by }) {
      const ref = await refOf(target);
      if (ref === undefined) return { done: false, reason: 'not found' };
      return control.command(ref, command, by);
    },
  };
}
