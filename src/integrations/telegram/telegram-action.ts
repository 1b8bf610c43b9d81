import { z } from 'zod';
import { secret } from '../../lib/secret.js';
import type { Logger } from '../../observability/logger.js';
import type { EnrichedNotification } from '../../model/model.js';
import type { MessageRef, MessageRefStore } from '../../store/ports/message-refs.js';
import { commonActionFields, defineActionType } from '../action-type.js';
import { chatMessageBuilder, chatMessageFields } from '../chat/chat-message.js';
import { scrubbedError, secretsScrubber } from '../url-scrubber.js';
import { checkTelegram, registerTelegramWebhook } from './check-telegram.js';
import { acknowledgeKeyboard, telegramWebhook } from './telegram-callbacks.js';
import { telegramGraphs } from './telegram-graphs.js';
import { createTelegramApi, TELEGRAM_API_URL } from './telegram-api.js';
import { deliverToTelegram, type TelegramTarget } from './telegram-delivery.js';
import { compileMessageTemplate } from './telegram-message-template.js';
import { checkTelegramText, telegramText } from './telegram-text.js';

// A chat takes about one message a second, a group about 20 a minute (core.telegram.org/bots/faq);
// past that, 429 with `parameters.retry_after`. A job sends or edits once and replies at most once.
const TELEGRAM_RATE = { perSecond: 1 / 3, burst: 3 };
// The message shows the whole group, so the action takes the whole group every time; only a copy
// of a notification already shown (same alerts in the same states) within a minute is dropped.
const GROUP_DEDUP_MS = 60_000;

const parseMode = z.string().transform((value, ctx) => {
  if (value === 'HTML' || value === '') return value;
  ctx.addIssue({
    code: 'custom',
    message: `alertpipe writes Telegram HTML (every value escaped) or plain text (''); ${JSON.stringify(value)} is not supported: the message template has to be rewritten for Liquid anyway, write it in HTML`,
  });
  return z.NEVER;
});

// Alertmanager has an int64; Telegram also takes a public channel's @username, and the environment gives text.
const chatId = z.union([z.number().int(), z.string()]).transform((value, ctx) => {
  const text = String(value).trim();
  if (typeof value === 'number' || /^-?\d+$/.test(text)) return Number(text);
  if (/^@[A-Za-z]\w{3,}$/.test(text)) return text;
  ctx.addIssue({ code: 'custom', message: "expected the chat's numeric ID (-1001234567890) or a channel's @username" });
  return z.NEVER;
});

/**
 * Alertmanager's `telegram_configs` through the Bot API: one message per episode of a group, sent
 * with `sendMessage` (parse mode HTML, every value escaped), edited in place with
 * `editMessageText` as it changes and resolves, with a reply under it saying what changed.
 */
export const telegramActionType = defineActionType({
  schema: z
    .object({
      type: z.literal('telegram'),
      /** The Bot API, a local Bot API server, or a proxy in front of either. */
      api_url: z.url({ protocol: /^https?$/, error: 'expected the http(s) URL of the Bot API' }).default(TELEGRAM_API_URL),
      /** From @BotFather, `123456789:AA…`; it is part of every request's path. */
      bot_token: secret(
        z
          .string()
          .trim()
          .min(1)
          // It becomes a path segment of every call: nothing that would end or escape one.
          .regex(/^[^\s/?#%]+$/, 'expected a bot token as @BotFather gives it (123456789:AA…)'),
      ),
      /** A user, group or channel (`-1001234567890`), or a public channel's `@username`. */
      chat_id: chatId,
      /** The topic of a forum group to post in. */
      message_thread_id: z.number().int().positive().optional(),
      /** A Liquid template for the whole text (Alertmanager's is a Go template: rewrite it). */
      message: z.string().min(1).optional(),
      /** Alertmanager's name for Telegram's `disable_notification`: the messages arrive silently. */
      disable_notifications: z.boolean().default(false),
      parse_mode: parseMode.default('HTML'),
      /** Post the `graph` enricher's PNGs as photos under a group's new message. */
      graph: z.boolean().default(true),
      /**
       * The `secret_token` of the bot's webhook (`setWebhook`), which Telegram repeats on every
       * update: with it, firing messages carry an Acknowledge button whose presses arrive at
       * alertpipe's `/telegram/webhooks` and acknowledge the group's episode.
       */
      webhook_secret: secret(
        z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, "expected 1 to 256 of A-Z, a-z, 0-9, '_' and '-' (Telegram's secret_token)"),
      ).optional(),
      /** Where Telegram reaches alertpipe's `/telegram/webhooks` (HTTPS); given, start-up registers it with `setWebhook`. */
      webhook_url: z
        .url({ protocol: /^https$/, error: 'expected the https:// URL at which Telegram reaches /telegram/webhooks' })
        .optional(),
      ...chatMessageFields,
      ...commonActionFields,
    })
    .strict()
    .superRefine((config, ctx) => {
      if (config.webhook_url !== undefined && config.webhook_secret === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['webhook_url'],
          message: 'webhook_url needs webhook_secret, which Telegram sends back with every update',
        });
      if (config.message !== undefined && (config.templates !== undefined || config.template_file !== undefined))
        ctx.addIssue({
          code: 'custom',
          path: ['message'],
          message: 'give message (the whole text) or templates / template_file, not both',
        });
    }),
  create(name, config, deps) {
    const messageOf = chatMessageBuilder(name, config, deps);
    const template = config.message === undefined ? undefined : compileMessageTemplate(name, config.message, config.parse_mode);
    const api = createTelegramApi({ apiUrl: config.api_url, token: config.bot_token, timeoutMs: config.timeout });
    // The token is in every URL; an answer or a proxy's error page may quote it.
    const scrub = secretsScrubber([config.bot_token, config.bot_token.split(':')[1], config.webhook_secret]);
    const { webhook_secret: webhookSecret, webhook_url: webhookUrl } = config;
    const target: TelegramTarget = {
      action: name,
      chatId: config.chat_id,
      threadId: config.message_thread_id,
      parseMode: config.parse_mode,
      silent: config.disable_notifications,
      // Drawn only where presses can arrive: a button nobody receives would only spin.
      ...(webhookSecret === undefined ? {} : { keyboard: (messageRef: string) => acknowledgeKeyboard(webhookSecret, messageRef) }),
    };

    function textOf(notification: EnrichedNotification, logger: Logger): string {
      const rendered = template?.(notification);
      if (rendered === undefined || 'text' in rendered)
        return rendered?.text ?? telegramText(messageOf(notification, logger), config.parse_mode);
      // Never lose the message to its template: the default text goes out, saying why.
      deps.metrics?.templateErrors.inc({ action: name, template: 'message' });
      logger.warn('template failed; the default text is sent', { action: name, template: 'message', reason: rendered.failure });
      const message = messageOf(notification, logger);
      const note = `template "message" of action ${name} failed (${rendered.failure}); the default is shown`;
      return telegramText({ ...message, notes: [...message.notes, note] }, config.parse_mode);
    }

    // Without the store (a test, `alertpipe render`), references live as long as the action.
    const fallback = new Map<string, MessageRef>();
    const localRefs: MessageRefStore = {
      getMessageRef: async (id) => fallback.get(id),
      putMessageRef: async (ref) => void fallback.set(ref.id, ref),
    };
    // Two notifications of one group must not both find no message and both send one.
    const queues = new Map<string, Promise<unknown>>();
    async function exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
      const run = (queues.get(key) ?? Promise.resolve()).catch(() => {}).then(work);
      queues.set(key, run);
      try {
        return await run;
      } finally {
        if (queues.get(key) === run) queues.delete(key);
      }
    }

    return {
      name,
      type: 'telegram',
      sendResolved: config.send_resolved,
      timeoutMs: config.timeout,
      rateLimit: { key: `telegram:${config.api_url}:${config.bot_token}:${String(config.chat_id)}`, ...TELEGRAM_RATE },
      dedup: { scope: 'group', windowMs: GROUP_DEDUP_MS },
      async handle(notification, ctx) {
        try {
          return await exclusive(notification.groupKey, () =>
            deliverToTelegram(target, api, ctx.messageRefs ?? localRefs, notification, textOf(notification, ctx.logger), {
              signal: ctx.signal,
              claims: ctx.firstPostClaims,
              timeoutMs: config.timeout,
              logger: ctx.logger,
              ...(config.graph ? { graphs: () => telegramGraphs(notification, deps.charts, ctx.logger) } : {}),
            }),
          );
        } catch (error) {
          throw scrubbedError(error, scrub);
        }
      },
      preview(notification) {
        const text = textOf(notification, deps.logger);
        const body = {
          chat_id: config.chat_id,
          ...(config.message_thread_id === undefined ? {} : { message_thread_id: config.message_thread_id }),
          text,
          ...(config.parse_mode === 'HTML' ? { parse_mode: 'HTML' } : {}),
          ...(config.disable_notifications ? { disable_notification: true } : {}),
          link_preview_options: { is_disabled: true },
        };
        return { contentType: 'application/json', body, problems: checkTelegramText(text, config.parse_mode) };
      },
      capabilities: {
        check: (signal) => checkTelegram(api, config.chat_id, scrub, signal),
        ...(webhookSecret === undefined
          ? {}
          : { incidentWebhook: telegramWebhook({ secret: webhookSecret, api, logger: deps.logger.child({ action: name }) }) }),
        ...(webhookSecret === undefined || webhookUrl === undefined
          ? {}
          : { startCheck: (signal) => registerTelegramWebhook(api, { url: webhookUrl, secret: webhookSecret }, scrub, signal) }),
      },
    };
  },
});
