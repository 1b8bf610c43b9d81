import { z } from 'zod';
import { secret } from '../../lib/secret.js';
import { VERSION } from '../../lib/version.js';
import { commonActionFields, defineActionType } from '../action-type.js';
import { chatMessageBuilder } from '../chat/chat-message.js';
import { groupKeyHash } from '../chat/group-key-hash.js';
import { templateFields } from '../chat/message-templates.js';
import { httpPost } from '../http-post.js';
import { secretsScrubber, withScrubbedErrors } from '../url-scrubber.js';
import { checkIncidentioEvent, incidentioEvent } from './incidentio-event.js';

// incident.io allows 1,200 API requests a minute per key; alert events are one a group.
const INCIDENTIO_RATE = { perSecond: 5, burst: 20 };
// The alerts the title and description show in full (the event itself carries `max_alerts`).
const SHOWN_IN_TEXT = 10;

/**
 * One incident.io alert event per group, as Alertmanager's incidentio_configs send it: POST to the
 * alert source's URL with its token as a Bearer credential, answered 202. The group's key, hashed,
 * is the `deduplication_key`, so a repeat updates the same alert and the resolved event resolves
 * it. The URL names the alert source, and is a secret as Alertmanager treats it.
 */
export const incidentioActionType = defineActionType({
  schema: z
    .object({
      type: z.literal('incidentio'),
      /** The alert source's URL (Alerts → Sources → an Alertmanager or HTTP source). */
      url: secret(z.url({ protocol: /^https?$/, error: 'expected the http(s) URL of an incident.io alert source' })),
      alert_source_token: secret(z.string().trim().min(1, 'expected the alert source token')).optional(),
      /** Alerts sent in the event; 0, as in Alertmanager, sends them all (within the 512 KB). */
      max_alerts: z.number().int().min(0).default(0),
      ...templateFields,
      ...commonActionFields,
    })
    .strict(),
  create(name, config, deps) {
    const shown = config.max_alerts === 0 ? SHOWN_IN_TEXT : Math.min(config.max_alerts, SHOWN_IN_TEXT);
    const messageOf = chatMessageBuilder(name, { ...config, max_alerts: shown }, deps);
    // The source's ID, the URL's last segment, is what makes the URL a credential: an answer that
    // quotes only the path must not carry it either.
    const sourceId = new URL(config.url).pathname.split('/').filter(Boolean).at(-1);
    const scrub = secretsScrubber([config.url, sourceId, config.alert_source_token]);
    return withScrubbedErrors(scrub, {
      name,
      type: 'incidentio',
      sendResolved: config.send_resolved,
      timeoutMs: config.timeout,
      rateLimit: { key: `incidentio:${groupKeyHash(config.url).slice(0, 16)}`, ...INCIDENTIO_RATE },
      async handle(notification, ctx) {
        const event = incidentioEvent(
          notification,
          messageOf(notification, ctx.logger),
          groupKeyHash(notification.groupKey),
          config.max_alerts,
        );
        await httpPost(config.url, JSON.stringify(event), {
          destination: 'incident.io',
          headers: {
            'User-Agent': `alertpipe/${VERSION}`,
            ...(config.alert_source_token ? { Authorization: `Bearer ${config.alert_source_token}` } : {}),
          },
          timeoutMs: config.timeout,
          signal: ctx.signal,
        });
        const sent = (event.alerts as unknown[]).length;
        return {
          detail: `sent ${notification.status} (${sent} alert${sent === 1 ? '' : 's'})`,
          data: { deduplication_key: event.deduplication_key, truncatedAlerts: event.truncatedAlerts },
        };
      },
      preview(notification) {
        const event = incidentioEvent(notification, messageOf(notification), groupKeyHash(notification.groupKey), config.max_alerts);
        return { contentType: 'application/json', body: event, problems: checkIncidentioEvent(event) };
      },
    });
  },
});
