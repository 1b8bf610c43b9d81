import { z } from 'zod';
import { secret } from '../../lib/secret.js';
import { VERSION } from '../../lib/version.js';
import { commonActionFields, defineActionType } from '../action-type.js';
import { httpPost } from '../http-post.js';
import { scrubbedError, secretsScrubber } from '../url-scrubber.js';
import { enrichedWebhookBody } from './webhook-body.js';

/**
 * Calls another service with each notification: the use that started this project is pointing
 * alerts at a controller's endpoint so it reconciles now rather than at its next resync.
 * `body: original` forwards the request alertpipe received byte for byte (all of its alerts, even
 * those routed elsewhere: that is what "unchanged" means); `body: enriched` sends Alertmanager's
 * format with only this action's alerts, plus their enrichment.
 */
export const webhookActionType = defineActionType({
  schema: z
    .object({
      type: z.literal('webhook'),
      /** A secret: a URL may carry a token in its path or query. */
      url: secret(z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })),
      method: z.enum(['POST', 'PUT']).default('POST'),
      body: z.enum(['enriched', 'original']).default('enriched'),
      headers: z.record(z.string(), secret(z.string())).default({}),
      auth: z
        .union([
          z.object({ bearer_token: secret(z.string().min(1)) }).strict(),
          z.object({ basic: z.object({ username: z.string().min(1), password: secret(z.string()) }).strict() }).strict(),
        ])
        .optional(),
      ...commonActionFields,
    })
    .strict(),
  create(name, config) {
    const headers: Record<string, string> = { 'User-Agent': `alertpipe/${VERSION}`, ...config.headers };
    if (config.auth && 'bearer_token' in config.auth) headers.Authorization = `Bearer ${config.auth.bearer_token}`;
    if (config.auth && 'basic' in config.auth) {
      const { username, password } = config.auth.basic;
      headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    // The destination may quote the request back; none of its secrets may reach the history.
    const auth =
      config.auth && 'bearer_token' in config.auth ? [config.auth.bearer_token] : config.auth ? [config.auth.basic.password] : [];
    const scrub = secretsScrubber([config.url, ...Object.values(config.headers), ...auth, headers.Authorization]);
    return {
      name,
      type: 'webhook',
      sendResolved: config.send_resolved,
      timeoutMs: config.timeout,
      async handle(notification, ctx) {
        const body = config.body === 'original' ? notification.originalBody : JSON.stringify(enrichedWebhookBody(notification));
        const answer = await httpPost(config.url, body, {
          destination: `webhook ${name}`,
          method: config.method,
          headers,
          timeoutMs: config.timeout,
          signal: ctx.signal,
        }).catch((error: unknown) => {
          throw scrubbedError(error, scrub);
        });
        return { detail: `${config.method} answered ${answer.status}`, data: { status: answer.status, body: config.body } };
      },
    };
  },
});
