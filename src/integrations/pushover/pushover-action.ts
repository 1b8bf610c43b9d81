import { z } from 'zod';
import { secret } from '../../lib/secret.js';
import { durationSchema } from '../../lib/units.js';
import type { EnrichedNotification } from '../../model/model.js';
import type { Logger } from '../../observability/logger.js';
import { messageRefId, type MessageRef, type MessageRefStore } from '../../store/ports/message-refs.js';
import type { Action, ActionContext } from '../action.js';
import { commonActionFields, defineActionType } from '../action-type.js';
import { ActionError } from '../action-error.js';
import { chatMessageBuilder, chatMessageFields } from '../chat/chat-message.js';
import { compileFieldTemplates, fieldTemplateFailureReporter } from '../chat/field-templates.js';
import { applyOncePerEpisode } from '../chat/first-post.js';
import { firstGraphAttachment, type GraphAttachment } from '../chat/graph-attachment.js';
import { scrubbedError, secretsScrubber } from '../url-scrubber.js';
import {
  formBody,
  multipartBody,
  postPushoverForm,
  PUSHOVER_API_URL,
  PUSHOVER_ATTACHMENT_LIMIT,
  PushoverRefusal,
  type PushoverAnswer,
} from './pushover-client.js';
import { pushoverForm, type PushoverTemplateField } from './pushover-form.js';
import { checkPushoverMessage } from './pushover-message.js';

// Pushover asks for no more than two requests at once and no floods; a group is one message.
const PUSHOVER_RATE = { perSecond: 1, burst: 2 };
// Receipts kept per group: the emergency messages of one episode that resolve must cancel.
const MAX_RECEIPTS = 10;

/** Alertmanager's `pushover_config`, field for field, plus `api_url` (Alertmanager's own is fixed). */
const pushoverSchema = z
  .object({
    type: z.literal('pushover'),
    /** The user or group key the message goes to. */
    user_key: secret(z.string().trim().min(1, 'expected the Pushover user or group key')),
    /** The application's API token (pushover.net/apps). */
    token: secret(z.string().trim().min(1, 'expected the API token of a Pushover application')),
    /** Liquid templates, as Alertmanager templates these fields (docs/integrations/pushover.md). */
    title: z.string().optional(),
    message: z.string().optional(),
    url: z.string().optional(),
    url_title: z.string().optional(),
    device: z.string().optional(),
    sound: z.string().optional(),
    /** -2 to 2; 2 (emergency) repeats every `retry` until acknowledged or `expire`. Alertmanager's default: 2 firing, 0 resolved. */
    priority: z.string().optional(),
    retry: durationSchema.default(60_000),
    expire: durationSchema.default(3_600_000),
    ttl: durationSchema.optional(),
    html: z.boolean().default(false),
    /** Attach the `graph` enricher's PNG to a firing message (Pushover's `attachment`). */
    graph: z.boolean().default(true),
    monospace: z.boolean().default(false),
    api_url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default(PUSHOVER_API_URL),
    ...chatMessageFields,
    ...commonActionFields,
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.html && config.monospace)
      ctx.addIssue({ code: 'custom', path: ['monospace'], message: 'at most one of monospace and html' });
    // What Pushover refuses an emergency message with, said at start rather than at the first page.
    if (config.retry < 30_000) ctx.addIssue({ code: 'custom', path: ['retry'], message: 'Pushover takes a retry of at least 30s' });
    if (config.expire > 10_800_000) ctx.addIssue({ code: 'custom', path: ['expire'], message: 'Pushover takes an expire of at most 3h' });
  });

/**
 * A Pushover message per group (`POST /1/messages.json`). An emergency message (priority 2) sounds
 * until someone acknowledges it; its receipt is kept in the store (`ctx.messageRefs`), so the
 * group's resolve, or its next emergency, cancels it (`POST /1/receipts/{receipt}/cancel.json`),
 * after a restart and on any replica. Alertmanager only sends a new message, and the old one goes
 * on ringing until it expires. A firing message carries the graph PNG as its `attachment`; when it
 * cannot be drawn, is over Pushover's 5 MB or is refused, the text goes alone.
 */
export const pushoverActionType = defineActionType({
  schema: pushoverSchema,
  create(name, config, deps) {
    const messageOf = chatMessageBuilder(name, config, deps);
    const templates = compileFieldTemplates<PushoverTemplateField>(name, {
      title: config.title,
      message: config.message,
      url: config.url,
      url_title: config.url_title,
      device: config.device,
      sound: config.sound,
      priority: config.priority,
    });
    const scrub = secretsScrubber([config.token, config.user_key]);
    const api = config.api_url.endsWith('/') ? config.api_url : `${config.api_url}/`;
    const fallbackRefs = new Map<string, MessageRef>();
    const localRefs: MessageRefStore = {
      getMessageRef: async (id) => fallbackRefs.get(id),
      putMessageRef: async (ref) => void fallbackRefs.set(ref.id, ref),
    };
    const formOf = (notification: EnrichedNotification, logger: Logger) =>
      pushoverForm(notification, messageOf(notification, logger), config, templates, fieldTemplateFailureReporter(name, deps, logger));

    async function cancelAll(receipts: readonly string[], logger: Logger, signal: AbortSignal): Promise<number> {
      let cancelled = 0;
      for (const receipt of receipts) {
        try {
          await postPushoverForm(`${api}receipts/${encodeURIComponent(receipt)}/cancel.json`, formBody({ token: config.token }), {
            timeoutMs: config.timeout,
            signal,
          });
          cancelled += 1;
        } catch (error) {
          // Expired, acknowledged and cancelled, or unknown: nothing rings any more; a retry would not change that.
          if (error instanceof ActionError && !error.retryable) {
            logger.warn('Pushover receipt not cancelled', { action: name, receipt, error: scrub(error.message) });
            continue;
          }
          throw error;
        }
      }
      return cancelled;
    }

    /** The graph to attach, if it can be: drawn, and within Pushover's limit. */
    async function attachmentOf(notification: EnrichedNotification, logger: Logger): Promise<GraphAttachment | undefined> {
      const graph = config.graph ? await firstGraphAttachment(notification, deps.charts, logger, name) : undefined;
      if (graph === undefined || graph.png.length <= PUSHOVER_ATTACHMENT_LIMIT) return graph;
      logger.warn('graph not attached: larger than Pushover takes', { action: name, bytes: graph.png.length });
      return undefined;
    }

    /** The message, with the graph when there is one; refused for its attachment, it goes again as text. */
    async function sendMessage(
      form: Record<string, string>,
      graph: GraphAttachment | undefined,
      logger: Logger,
      signal: AbortSignal,
    ): Promise<{ answer: PushoverAnswer; attached: boolean }> {
      const options = { timeoutMs: config.timeout, signal };
      if (graph !== undefined) {
        try {
          return { answer: await postPushoverForm(`${api}messages.json`, await multipartBody(form, graph), options), attached: true };
        } catch (error) {
          if (!(error instanceof PushoverRefusal && error.invalid.includes('attachment'))) throw error;
          logger.warn('Pushover refused the graph; the message goes without it', { action: name, error: scrub(error.message) });
        }
      }
      return { answer: await postPushoverForm(`${api}messages.json`, formBody(form), options), attached: false };
    }

    async function deliver(notification: EnrichedNotification, ctx: ActionContext) {
      const { logger, signal } = ctx;
      const refs = ctx.messageRefs ?? localRefs;
      const { form, priority } = formOf(notification, logger);
      const graph = await attachmentOf(notification, logger);
      const id = messageRefId(name, config.device ?? '', notification.groupKey);
      // An emergency rings until cancelled by its receipt: with several replicas, the receipts are
      // read, cancelled, replaced and kept by one delivery at a time (the store's first-post claim),
      // so none is overwritten and left ringing. A message that is not an emergency takes no turn.
      return applyOncePerEpisode(
        { claims: ctx.firstPostClaims, id, timeoutMs: config.timeout, signal, logger },
        () => refs.getMessageRef(id),
        (previous) => priority === 2 || receiptsOf(previous).length > 0,
        (previous) => send(notification, { form, priority, graph }, receiptsOf(previous), { id, refs, logger, signal }),
      );
    }

    async function send(
      notification: EnrichedNotification,
      message: { form: Record<string, string>; priority: number; graph: GraphAttachment | undefined },
      held: readonly string[],
      where: { id: string; refs: MessageRefStore; logger: Logger; signal: AbortSignal },
    ) {
      const { form, priority, graph } = message;
      const { id, refs, logger, signal } = where;
      const save = (receipts: readonly string[]): Promise<void> =>
        refs.putMessageRef({
          id,
          action: name,
          channel: config.device ?? '',
          groupKey: notification.groupKey,
          channelId: '',
          ts: receipts.at(-1) ?? '',
          state: { receipts: receipts.slice(-MAX_RECEIPTS) },
          updatedAt: Date.now(),
        });
      // A resolve stops the sound; so does a newer emergency of the same group, which replaces it.
      let cancelled = 0;
      if (held.length > 0 && (notification.status === 'resolved' || priority === 2)) {
        cancelled = await cancelAll(held, logger, signal);
        await save([]);
      }
      const { answer, attached } = await sendMessage(form, graph, logger, signal);
      if (answer.receipt !== undefined) await save([answer.receipt]);
      const count = notification.alerts.length;
      const graphNote = attached ? ' with the graph' : graph ? ' without the graph (refused)' : '';
      return {
        detail: `sent ${count} alert${count === 1 ? '' : 's'} at priority ${priority}${graphNote}${cancelled > 0 ? `; cancelled ${cancelled} emergency message${cancelled === 1 ? '' : 's'}` : ''}`,
        data: { priority, request: answer.request, ...(answer.receipt ? { receipt: answer.receipt } : {}), cancelled, graph: attached },
      };
    }

    const receiptsOf = (ref: MessageRef | undefined): string[] =>
      Array.isArray(ref?.state.receipts) ? (ref.state.receipts as string[]) : [];

    const action: Action = {
      name,
      type: 'pushover',
      sendResolved: config.send_resolved,
      timeoutMs: config.timeout,
      rateLimit: { key: `pushover:${config.api_url}:${config.token}`, ...PUSHOVER_RATE },
      async handle(notification, ctx) {
        try {
          return await deliver(notification, ctx);
        } catch (error) {
          throw scrubbedError(error, scrub);
        }
      },
      preview(notification) {
        const { form } = formOf(notification, deps.logger);
        const shown = { ...form, token: '<secret>', user: '<secret>' };
        return { contentType: 'application/x-www-form-urlencoded', body: shown, problems: checkPushoverMessage(form) };
      },
    };
    return action;
  },
});
