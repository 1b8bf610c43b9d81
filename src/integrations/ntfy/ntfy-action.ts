import { z } from 'zod';
import { secret } from '../../lib/secret.js';
import type { EnrichedNotification } from '../../model/model.js';
import type { Logger } from '../../observability/logger.js';
import { commonActionFields, defineActionType } from '../action-type.js';
import { chatMessageBuilder, chatMessageFields } from '../chat/chat-message.js';
import { firstGraphAttachment } from '../chat/graph-attachment.js';
import { scrubbedError, secretsScrubber } from '../url-scrubber.js';
import { sendToNtfy } from './ntfy-client.js';
import { checkNtfyMessage, headerValue, ntfyMessage, type NtfyMessage } from './ntfy-publish.js';

// ntfy.sh lets a client burst 60 requests and gives one back every 5 s; a self-hosted server has the same defaults.
const NTFY_RATE = { perSecond: 0.2, burst: 30 };

const ntfySchema = z
  .object({
    type: z.literal('ntfy'),
    /**
     * The topic's URL, `https://ntfy.sh/alerts`. On a server without access control anyone who
     * knows a topic reads it: the URL is a secret.
     */
    url: secret(z.url({ protocol: /^https?$/, error: 'expected the http(s) URL of an ntfy topic, such as https://ntfy.sh/alerts' })),
    /** An access token (`tk_…`), sent as `Authorization: Bearer`. */
    token: secret(z.string().trim().min(1)).optional(),
    /** Or a user and password, sent as Basic auth. */
    username: z.string().min(1).optional(),
    password: secret(z.string().min(1)).optional(),
    /** A fixed priority (1 to 5) for firing messages; by default it follows the severity label. */
    priority: z.number().int().min(1).max(5).optional(),
    severity_label: z.string().min(1).default('severity'),
    /** Tags added to every message (emoji short codes show as emoji). */
    tags: z
      .array(
        z
          .string()
          .min(1)
          .regex(/^[^,]+$/, 'a tag has no comma'),
      )
      .default([]),
    /** Attach the `graph` enricher's PNG to a firing message. */
    graph: z.boolean().default(true),
    ...chatMessageFields,
    ...commonActionFields,
  })
  .strict()
  .superRefine((config, ctx) => {
    const topic = topicOf(config.url);
    if (!topic) ctx.addIssue({ code: 'custom', path: ['url'], message: 'expected the topic in the path, as in https://ntfy.sh/alerts' });
    if (config.token && (config.username || config.password))
      ctx.addIssue({ code: 'custom', path: ['token'], message: 'either token or username and password, not both' });
    if (Boolean(config.username) !== Boolean(config.password))
      ctx.addIssue({ code: 'custom', path: [config.username ? 'password' : 'username'], message: 'username and password go together' });
  });

function topicOf(url: string): string | undefined {
  const segments = new URL(url).pathname.split('/').filter(Boolean);
  return segments.at(-1);
}

/**
 * A message per group to an ntfy topic: JSON published to the server's root (`POST /`, with the
 * topic in the body), or, when the `graph` enricher drew one, the graph PNG itself `PUT` to the
 * topic with the title and message in headers, so the phone shows the picture with the text.
 * ntfy cannot edit a message: the resolve is a new, quiet one with ✅.
 */
export const ntfyActionType = defineActionType({
  schema: ntfySchema,
  create(name, config, deps) {
    const messageOf = chatMessageBuilder(name, config, deps);
    const topicUrl = new URL(config.url);
    const topic = topicOf(config.url) ?? '';
    const root = new URL(topicUrl.pathname.replace(/[^/]+\/?$/, ''), topicUrl).toString();
    const auth: Record<string, string> = config.token
      ? { Authorization: `Bearer ${config.token}` }
      : config.username && config.password
        ? { Authorization: `Basic ${Buffer.from(`${config.username}:${config.password}`).toString('base64')}` }
        : {};
    const scrub = secretsScrubber([config.url, config.token, config.password, auth.Authorization?.split(' ')[1]]);
    const bodyOf = (notification: EnrichedNotification, logger: Logger): NtfyMessage =>
      ntfyMessage(notification, messageOf(notification, logger), {
        topic,
        severityLabel: config.severity_label,
        priority: config.priority,
        tags: config.tags,
      });

    return {
      name,
      type: 'ntfy',
      sendResolved: config.send_resolved,
      timeoutMs: config.timeout,
      rateLimit: { key: `ntfy:${root}:${config.token ?? config.username ?? ''}`, ...NTFY_RATE },
      async handle(notification, ctx) {
        const body = bodyOf(notification, ctx.logger);
        const graph = config.graph ? await firstGraphAttachment(notification, deps.charts, ctx.logger, name) : undefined;
        const common = { timeoutMs: config.timeout, signal: ctx.signal };
        try {
          const answer = graph
            ? await sendToNtfy({
                ...common,
                url: config.url,
                method: 'PUT',
                body: graph.png,
                headers: {
                  ...auth,
                  Filename: graph.filename,
                  Title: headerValue(body.title),
                  Message: headerValue(body.message),
                  Priority: String(body.priority),
                  Tags: body.tags.join(','),
                  ...(body.click ? { Click: body.click } : {}),
                },
              })
            : await sendToNtfy({
                ...common,
                url: root,
                method: 'POST',
                body: JSON.stringify(body),
                headers: { ...auth, 'Content-Type': 'application/json' },
              });
          const count = notification.alerts.length;
          return {
            detail: `published ${count} alert${count === 1 ? '' : 's'} at priority ${body.priority}${graph ? ' with the graph' : ''}`,
            data: { id: answer.id, priority: body.priority, graph: Boolean(graph) },
          };
        } catch (error) {
          throw scrubbedError(error, scrub);
        }
      },
      preview(notification) {
        const body = bodyOf(notification, deps.logger);
        return { contentType: 'application/json', body: { ...body, topic: '<secret>' }, problems: checkNtfyMessage(body) };
      },
    };
  },
});
