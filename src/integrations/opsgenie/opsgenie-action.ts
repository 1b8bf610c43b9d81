import { z } from 'zod';
import { secret } from '../../lib/secret.js';
import type { EnrichedNotification } from '../../model/model.js';
import type { Action } from '../action.js';
import { commonActionFields, defineActionType } from '../action-type.js';
import { chatMessageBuilder, chatMessageFields } from '../chat/chat-message.js';
import { compileFieldTemplates, fieldTemplateFailureReporter } from '../chat/field-templates.js';
import { groupKeyHash } from '../chat/group-key-hash.js';
import { cut } from '../chat/message-model.js';
import { scrubbedError, secretsScrubber, withScrubbedErrors } from '../url-scrubber.js';
import { checkOpsgenieAlert, OPSGENIE_LIMITS, OPSGENIE_PRIORITIES, opsgenieAlert, type OpsgenieFields } from './opsgenie-alert.js';
import { OpsgenieAliases } from './opsgenie-aliases.js';
import { OPSGENIE_API_URL, OpsgenieClient } from './opsgenie-client.js';
import { opsgenieWebhook } from './opsgenie-webhook.js';

const RESPONDER_TYPES = ['team', 'teams', 'user', 'escalation', 'schedule'];
const TEMPLATED = /\{\{|\{%/;

// Alertmanager's check: at least one of id, name and username, and a known type (or a template).
const responder = z
  .object({
    id: z.string().optional(),
    name: z.string().optional(),
    username: z.string().optional(),
    type: z
      .string()
      .transform((type) => (TEMPLATED.test(type) ? type : type.trim().toLowerCase()))
      .refine((type) => TEMPLATED.test(type) || RESPONDER_TYPES.includes(type), {
        error: `expected one of ${RESPONDER_TYPES.join(', ')} (or a template)`,
      }),
  })
  .strict()
  .refine((r) => Boolean(r.id || r.name || r.username), { error: 'a responder needs an id, a name or a username' });

// An alert request counts against the account's Alert API limit, a few a second on most plans.
const OPSGENIE_RATE = { perSecond: 2, burst: 10 };

/**
 * One Opsgenie alert per group through the Alert API v2, as Alertmanager's opsgenie_configs send
 * it: created with the group's key as its alias (so a repeat is one more occurrence of the open
 * alert, not a new page), closed by that alias when the group resolves, acknowledged by it when
 * someone presses Acknowledge on the group's Slack message. With `update_alerts`, a repeat also
 * replaces the open alert's message and description, which Opsgenie otherwise keeps as created.
 */
export const opsgenieActionType = defineActionType({
  schema: z
    .object({
      type: z.literal('opsgenie'),
      /** The key of an API integration (Settings → Integrations → API), with create and update access. */
      api_key: secret(z.string().trim().min(1, 'expected the API key of an Opsgenie API integration')),
      api_url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default(OPSGENIE_API_URL),
      // Templates (Liquid), as the same fields are templates in Alertmanager.
      message: z.string().min(1).optional(),
      description: z.string().min(1).optional(),
      source: z.string().optional(),
      details: z.record(z.string(), z.string()).default({}),
      entity: z.string().optional(),
      responders: z.array(responder).max(OPSGENIE_LIMITS.responders).default([]),
      visible_to: z.array(responder).max(OPSGENIE_LIMITS.responders).default([]),
      /** Comma-separated, as in Alertmanager. */
      actions: z.string().optional(),
      tags: z.string().optional(),
      note: z.string().optional(),
      priority: z
        .string()
        .refine((p) => TEMPLATED.test(p) || (OPSGENIE_PRIORITIES as readonly string[]).includes(p.trim().toUpperCase()), {
          error: 'expected P1, P2, P3, P4 or P5 (or a template)',
        })
        .optional(),
      update_alerts: z.boolean().default(false),
      /**
       * A secret of your choosing that an Opsgenie Webhook integration sends to alertpipe's
       * `/opsgenie/webhooks` (custom header `X-Webhook-Secret`, or `?secret=`): with it,
       * acknowledging, unacknowledging or closing the alert in Opsgenie does the same to alertpipe's episode.
       */
      webhook_secret: secret(z.string().trim().min(16, 'expected at least 16 characters: it is all that guards the webhook')).optional(),
      ...chatMessageFields,
      ...commonActionFields,
    })
    .strict(),
  create(name, config, deps) {
    const messageOf = chatMessageBuilder(name, config, deps);
    const templated: Record<string, string | undefined> = {
      message: config.message,
      description: config.description,
      source: config.source,
      entity: config.entity,
      note: config.note,
      priority: config.priority,
      tags: config.tags,
      actions: config.actions,
    };
    for (const [key, value] of Object.entries(config.details)) templated[`details.${key}`] = value;
    for (const [list, responders] of [['responders', config.responders] as const, ['visible_to', config.visible_to] as const])
      responders.forEach((r, i) => {
        for (const field of ['id', 'name', 'username', 'type'] as const) templated[`${list}.${i}.${field}`] = r[field];
      });
    const templates = compileFieldTemplates(name, templated);
    const client = new OpsgenieClient(config.api_url);
    const aliases = new OpsgenieAliases(name);
    // An answer that quotes the request back would carry the key into the history.
    const scrub = secretsScrubber([config.api_key, ...(config.webhook_secret === undefined ? [] : [config.webhook_secret])]);
    const requestOptions = (signal: AbortSignal) => ({ apiKey: config.api_key, timeoutMs: config.timeout, signal });

    const render = (notification: EnrichedNotification, logger = deps.logger) => {
      const message = messageOf(notification, logger);
      const { values, notes } = templates.renderAll(notification, fieldTemplateFailureReporter(name, deps, logger));
      const alias = groupKeyHash(notification.groupKey);
      const responders = (list: 'responders' | 'visible_to') =>
        config[list].map((r, i) => ({
          ...(values.has(`${list}.${i}.id`) ? { id: values.get(`${list}.${i}.id`) } : {}),
          ...(values.has(`${list}.${i}.name`) ? { name: values.get(`${list}.${i}.name`) } : {}),
          ...(values.has(`${list}.${i}.username`) ? { username: values.get(`${list}.${i}.username`) } : {}),
          type: values.get(`${list}.${i}.type`) ?? r.type,
        }));
      const details: Record<string, string> = {};
      for (const key of Object.keys(config.details)) {
        const value = values.get(`details.${key}`);
        if (value !== undefined) details[key] = value;
      }
      const fields: OpsgenieFields = {
        ...Object.fromEntries(
          ['message', 'description', 'source', 'entity', 'note', 'priority', 'tags', 'actions'].flatMap((k) =>
            values.has(k) ? [[k, values.get(k)]] : [],
          ),
        ),
        details,
        responders: responders('responders'),
        visibleTo: responders('visible_to'),
      };
      const source = cut(fields.source?.trim() || 'alertpipe', OPSGENIE_LIMITS.source);
      return { message, alias, fields, notes, source };
    };

    const action: Action = {
      name,
      type: 'opsgenie',
      sendResolved: config.send_resolved,
      timeoutMs: config.timeout,
      rateLimit: { key: `opsgenie:${config.api_url}:${groupKeyHash(config.api_key).slice(0, 16)}`, ...OPSGENIE_RATE },
      async handle(notification, ctx) {
        const { message, alias, fields, notes, source } = render(notification, ctx.logger);
        const options = requestOptions(ctx.signal);
        if (notification.status === 'resolved') {
          const requestId = await client.onAlias('close', alias, { source, note: cut(message.title, OPSGENIE_LIMITS.note) }, options);
          return { detail: 'closed the alert', data: { alias, requestIds: [requestId] } };
        }
        const body = opsgenieAlert(message, alias, fields, notes);
        const requestIds = [await client.create(body, options)];
        if (config.update_alerts) {
          // Opsgenie keeps an open alert's text as it was created: replace it with this notification's.
          requestIds.push(await client.onAlias('message', alias, { message: body.message }, options));
          requestIds.push(await client.onAlias('description', alias, { description: body.description }, options));
        }
        const fingerprints = notification.alerts.map((a) => a.fingerprint);
        await aliases.remember(notification.groupKey, fingerprints, alias, ctx.messageRefs, ctx.logger);
        const count = notification.alerts.length;
        return { detail: `sent the alert (${count} alert${count === 1 ? '' : 's'})`, data: { alias, requestIds } };
      },
      preview(notification) {
        const { message, alias, fields, notes, source } = render(notification);
        if (notification.status === 'resolved')
          return { contentType: 'application/json', body: { close: alias, source, note: message.title }, problems: [] };
        const body = opsgenieAlert(message, alias, fields, notes);
        return { contentType: 'application/json', body, problems: checkOpsgenieAlert(body) };
      },
      capabilities: {
        // An Acknowledge click elsewhere: the Opsgenie alerts these alerts went into.
        async acknowledge(fingerprints, signal) {
          const { aliases: found, unknown } = await aliases.aliasesOf(fingerprints);
          for (const alias of found) {
            const body = { source: 'alertpipe', note: 'Acknowledged through alertpipe' };
            await client.onAlias('acknowledge', alias, body, requestOptions(signal)).catch((e: unknown) => {
              throw scrubbedError(e, scrub);
            });
          }
          const missing = unknown > 0 ? ` (${unknown} alert${unknown === 1 ? '' : 's'} not sent to it by this action)` : '';
          return `🔔 Opsgenie (${name}): ${found.length} alert${found.length === 1 ? '' : 's'} acknowledged${missing}`;
        },
        ...(config.webhook_secret === undefined ? {} : { incidentWebhook: opsgenieWebhook(config.webhook_secret) }),
      },
    };
    return withScrubbedErrors(scrub, action);
  },
});
