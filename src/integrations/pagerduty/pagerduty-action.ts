import { z } from 'zod';
import { secret } from '../../lib/secret.js';
import { commonActionFields, defineActionType } from '../action-type.js';
import { ActionError } from '../action-error.js';
import { PAGERDUTY_EVENTS_URL, sendPagerDutyEvent } from './pagerduty-client.js';
import { ResolvedAlerts } from '../resolved-alerts.js';
import { scrubbedError, secretsScrubber } from '../url-scrubber.js';
import { pagerDutyWebhook } from './pagerduty-webhook.js';
import { DEFAULT_SEVERITY_MAP, dedupKeyOf, pagerDutyEvent, type PagerDutyEventOptions } from './pagerduty-event.js';

const severity = z.enum(['critical', 'error', 'warning', 'info']);

// PagerDuty accepts about 120 events a minute per routing key before it answers 429.
const PAGERDUTY_RATE = { perSecond: 2, burst: 10, per: 'alert' as const };

/**
 * Opens a PagerDuty incident per firing alert and resolves it when the alert resolves, through
 * the Events API v2. Events go out one by one, in the group's order; when one fails, the whole
 * group is tried again later, which PagerDuty's deduplication makes harmless (a second trigger
 * with the same dedup_key adds to the open incident's log; a second resolve changes nothing).
 */
export const pagerdutyActionType = defineActionType({
  schema: z
    .object({
      type: z.literal('pagerduty'),
      /** The integration key of an Events API v2 integration on a PagerDuty service. */
      routing_key: secret(z.string().trim().min(1, 'expected the routing key of an Events API v2 integration')),
      url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default(PAGERDUTY_EVENTS_URL),
      /** Values of the severity label onto PagerDuty's severities, added to (and overriding) the built-in map. */
      severity_map: z.record(z.string(), severity).default({}),
      severity_label: z.string().min(1).default('severity'),
      default_severity: severity.default('error'),
      /** Label templates such as `{{ namespace }}/{{ pod }}`. */
      source: z.string().min(1).optional(),
      component: z.string().min(1).optional(),
      group: z.string().min(1).optional(),
      class: z.string().min(1).optional(),
      client: z.string().min(1).default('alertpipe'),
      /** Shown as the link on the incident; defaults to the Alertmanager that sent the alert. */
      client_url: z.url({ protocol: /^https?$/ }).optional(),
      /**
       * The secret of a webhook subscription (v3) pointed at alertpipe's `/pagerduty/webhooks`: with
       * it, acknowledging, unacknowledging or resolving the incident in PagerDuty does the same to
       * alertpipe's episode.
       */
      webhook_secret: secret(z.string().trim().min(1)).optional(),
      ...commonActionFields,
    })
    .strict(),
  create(name, config) {
    const severityMap = { ...DEFAULT_SEVERITY_MAP };
    for (const [value, mapped] of Object.entries(config.severity_map)) severityMap[value.toLowerCase()] = mapped;
    const options: PagerDutyEventOptions = {
      routingKey: config.routing_key,
      severityMap,
      severityLabel: config.severity_label,
      defaultSeverity: config.default_severity,
      client: config.client,
      ...(config.source ? { source: config.source } : {}),
      ...(config.component ? { component: config.component } : {}),
      ...(config.group ? { group: config.group } : {}),
      ...(config.class ? { class: config.class } : {}),
      ...(config.client_url ? { clientUrl: config.client_url } : {}),
    };
    const resolved = new ResolvedAlerts();
    // An answer that quotes the event back would carry the routing key into the history.
    const scrub = secretsScrubber([config.routing_key, ...(config.webhook_secret === undefined ? [] : [config.webhook_secret])]);
    return {
      name,
      type: 'pagerduty',
      sendResolved: config.send_resolved,
      timeoutMs: config.timeout,
      rateLimit: { key: `pagerduty:${config.url}:${config.routing_key}`, ...PAGERDUTY_RATE },
      async handle(notification, ctx) {
        const sent: { dedup_key: string; event_action: string }[] = [];
        let stale = 0;
        for (const alert of notification.alerts) {
          const event = pagerDutyEvent(alert, notification, options);
          // A trigger retried after its own resolve went out would reopen an incident for an alert
          // that has ended, and nothing would resolve it again: skip it.
          if (event.event_action === 'trigger' && resolved.endedSince(event.dedup_key, alert.startsAt)) {
            stale += 1;
            continue;
          }
          try {
            const answer = await sendPagerDutyEvent(config.url, event, { timeoutMs: config.timeout, signal: ctx.signal }).catch(
              (e: unknown) => {
                throw scrubbedError(e, scrub);
              },
            );
            sent.push({ dedup_key: answer.dedupKey, event_action: event.event_action });
            if (event.event_action === 'resolve') resolved.remember(event.dedup_key, alert.endsAt ?? new Date());
          } catch (error) {
            if (!(error instanceof ActionError) || sent.length === 0) throw error;
            // Say how far the group got; the retry sends it all again.
            throw new ActionError(`${error.message} (after ${sent.length} of ${notification.alerts.length} events were accepted)`, {
              retryable: error.retryable,
              ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
              ...(error.status === undefined ? {} : { status: error.status }),
              cause: error,
            });
          }
        }
        const triggers = sent.filter((e) => e.event_action === 'trigger').length;
        const resolves = sent.length - triggers;
        const parts = [
          triggers > 0 ? `triggered ${triggers}` : '',
          resolves > 0 ? `resolved ${resolves}` : '',
          stale > 0 ? `skipped ${stale} resolved since` : '',
        ];
        return { detail: parts.filter(Boolean).join(', '), data: { events: sent, skippedResolved: stale } };
      },
      capabilities: {
        // An Acknowledge click in Slack: the incidents of these alerts, by the same dedup_key.
        async acknowledge(fingerprints, signal) {
          for (const fingerprint of fingerprints) {
            const event = { routing_key: config.routing_key, event_action: 'acknowledge' as const, dedup_key: dedupKeyOf({ fingerprint }) };
            await sendPagerDutyEvent(config.url, event, { timeoutMs: config.timeout, signal }).catch((e: unknown) => {
              throw scrubbedError(e, scrub);
            });
          }
          return `📟 PagerDuty (${name}): ${fingerprints.length} incident${fingerprints.length === 1 ? '' : 's'} acknowledged`;
        },
        ...(config.webhook_secret === undefined ? {} : { incidentWebhook: pagerDutyWebhook(config.webhook_secret) }),
      },
    };
  },
});
