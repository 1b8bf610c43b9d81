import { z } from 'zod';
import { secret } from '../../lib/secret.js';
import { VERSION } from '../../lib/version.js';
import type { EnrichedNotification } from '../../model/model.js';
import type { Action } from '../action.js';
import { ActionError } from '../action-error.js';
import { commonActionFields, defineActionType } from '../action-type.js';
import { chatMessageBuilder, chatMessageFields } from '../chat/chat-message.js';
import { compileFieldTemplates, fieldTemplateFailureReporter } from '../chat/field-templates.js';
import { groupKeyHash } from '../chat/group-key-hash.js';
import { httpPost } from '../http-post.js';
import { secretsScrubber, withScrubbedErrors } from '../url-scrubber.js';
import { checkVictorOpsEvent, VICTOROPS_RESERVED, victorOpsEvent } from './victorops-event.js';

/** The REST endpoint's URL before its API key and routing key. */
export const VICTOROPS_API_URL = 'https://alert.victorops.com/integrations/generic/20131114/alert/';

// No documented pace for the REST endpoint; one a second with bursts of five pages fast and stays polite.
const VICTOROPS_RATE = { perSecond: 1, burst: 5 };

/**
 * One Splunk On-Call (VictorOps) event per group through the REST endpoint integration, as
 * Alertmanager's victorops_configs send it: `POST {api_url}{api_key}/{routing_key}` with the
 * group's key hashed as `entity_id`, CRITICAL while it fires, RECOVERY once it resolves. The API
 * key and routing key are in the URL, so both are secrets, kept out of every error.
 */
export const victoropsActionType = defineActionType({
  schema: z
    .object({
      type: z.literal('victorops'),
      /** The REST endpoint integration's key (Integrations → REST – Generic). */
      api_key: secret(z.string().trim().min(1, 'expected the key of a REST endpoint integration')),
      api_url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default(VICTOROPS_API_URL),
      /** The routing key (Settings → Routing Keys) that picks the team. */
      routing_key: secret(z.string().trim().min(1, 'expected a routing key')),
      // Templates (Liquid), as the same fields are templates in Alertmanager.
      message_type: z.string().optional(),
      entity_display_name: z.string().optional(),
      state_message: z.string().optional(),
      monitoring_tool: z.string().optional(),
      custom_fields: z
        .record(z.string(), z.string())
        .refine((fields) => !Object.keys(fields).some((k) => VICTOROPS_RESERVED.includes(k)), {
          error: `may not set ${VICTOROPS_RESERVED.join(', ')}: the endpoint reads them for itself`,
        })
        .default({}),
      ...chatMessageFields,
      ...commonActionFields,
    })
    .strict(),
  create(name, config, deps) {
    const messageOf = chatMessageBuilder(name, config, deps);
    const templated: Record<string, string | undefined> = {
      message_type: config.message_type,
      entity_display_name: config.entity_display_name,
      state_message: config.state_message,
      monitoring_tool: config.monitoring_tool,
      routing_key: config.routing_key,
    };
    for (const [key, value] of Object.entries(config.custom_fields)) templated[`custom_fields.${key}`] = value;
    const templates = compileFieldTemplates(name, templated);
    const scrub = secretsScrubber([config.api_key, config.routing_key]);
    const base = config.api_url.endsWith('/') ? config.api_url : `${config.api_url}/`;

    const render = (notification: EnrichedNotification, logger = deps.logger) => {
      const message = messageOf(notification, logger);
      const { values, notes } = templates.renderAll(notification, fieldTemplateFailureReporter(name, deps, logger));
      const customFields: Record<string, string> = {};
      for (const key of Object.keys(config.custom_fields)) {
        const value = values.get(`custom_fields.${key}`);
        if (value !== undefined) customFields[key] = value;
      }
      const get = (key: string) => values.get(key);
      const event = victorOpsEvent(
        message,
        groupKeyHash(notification.groupKey),
        {
          ...(get('message_type') === undefined ? {} : { messageType: get('message_type') }),
          ...(get('entity_display_name') === undefined ? {} : { entityDisplayName: get('entity_display_name') }),
          ...(get('state_message') === undefined ? {} : { stateMessage: get('state_message') }),
          ...(get('monitoring_tool') === undefined ? {} : { monitoringTool: get('monitoring_tool') }),
          customFields,
        },
        notes,
      );
      // Alertmanager templates the routing key too, so that one receiver can route by a label.
      return { event, routingKey: get('routing_key') ?? '' };
    };

    const action: Action = {
      name,
      type: 'victorops',
      sendResolved: config.send_resolved,
      timeoutMs: config.timeout,
      rateLimit: {
        key: `victorops:${config.api_url}:${groupKeyHash(`${config.api_key}/${config.routing_key}`).slice(0, 16)}`,
        ...VICTOROPS_RATE,
      },
      async handle(notification, ctx) {
        const { event, routingKey } = render(notification, ctx.logger);
        if (routingKey === '') throw new ActionError('the routing_key template rendered empty', { retryable: false });
        const url = `${base}${encodeURIComponent(config.api_key)}/${encodeURIComponent(routingKey)}`;
        const answer = await httpPost(url, JSON.stringify(event), {
          destination: 'Splunk On-Call',
          headers: { 'User-Agent': `alertpipe/${VERSION}` },
          timeoutMs: config.timeout,
          signal: ctx.signal,
        });
        // The endpoint answers 200 `{result: "success", entity_id}`; a `failure` in a 2xx is no delivery.
        let result: { result?: unknown; message?: unknown };
        try {
          result = JSON.parse(answer.body) as typeof result;
        } catch {
          throw new ActionError(`Splunk On-Call answered ${answer.status} with a body that is not its JSON`, {
            retryable: true,
            status: answer.status,
          });
        }
        if (result.result !== 'success')
          throw new ActionError(`Splunk On-Call answered ${answer.status}: ${String(result.message ?? result.result)}`, {
            retryable: false,
          });
        return { detail: `sent ${event.message_type}`, data: { entity_id: event.entity_id, message_type: event.message_type } };
      },
      preview(notification) {
        const { event } = render(notification);
        return { contentType: 'application/json', body: event, problems: checkVictorOpsEvent(event) };
      },
    };
    return withScrubbedErrors(scrub, action);
  },
});
