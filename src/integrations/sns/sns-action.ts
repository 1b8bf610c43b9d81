import { z } from 'zod';
import { secret } from '../../lib/secret.js';
import type { EnrichedNotification } from '../../model/model.js';
import type { Logger } from '../../observability/logger.js';
import { commonActionFields, defineActionType } from '../action-type.js';
import { chatMessageBuilder, chatMessageFields } from '../chat/chat-message.js';
import { compileFieldTemplates, fieldTemplateFailureReporter } from '../chat/field-templates.js';
import { scrubbedError, secretsScrubber } from '../url-scrubber.js';
import { createSnsClient } from './sns-client.js';
import { checkSnsPublish, SNS_LIMITS, snsPublish, type SnsTemplateField } from './sns-publish.js';

// SNS takes thousands of Publish calls a second per account in most regions, SMS far fewer:
// one job a second per target, bursts of 10, stays well inside either.
const SNS_RATE = { perSecond: 1, burst: 10 };
const ARN_REGION = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):/;

/** Alertmanager's `sigv4` block: its keys by Alertmanager's names. */
const sigv4Schema = z
  .object({
    region: z.string().min(1).optional(),
    access_key: z.string().min(1).optional(),
    secret_key: secret(z.string().min(1)).optional(),
    profile: z.string().min(1).optional(),
    role_arn: z.string().min(1).optional(),
  })
  .strict();

/** Alertmanager's `sns_config`, field for field. */
const snsSchema = z
  .object({
    type: z.literal('sns'),
    /** The SNS endpoint; `https://sns.<region>.amazonaws.com/` when absent. */
    api_url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).optional(),
    sigv4: sigv4Schema.default({}),
    topic_arn: z.string().regex(ARN_REGION, 'expected an SNS topic ARN, arn:aws:sns:<region>:<account>:<name>').optional(),
    phone_number: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'expected a phone number in E.164 form, such as +15551234567')
      .optional(),
    target_arn: z.string().startsWith('arn:', 'expected the ARN of an SNS endpoint').optional(),
    /** Liquid templates, as Alertmanager templates these fields. */
    subject: z.string().optional(),
    message: z.string().optional(),
    attributes: z.record(z.string().min(1), z.string()).default({}),
    ...chatMessageFields,
    ...commonActionFields,
  })
  .strict()
  .superRefine((config, ctx) => {
    const targets = [config.topic_arn, config.target_arn, config.phone_number].filter(Boolean).length;
    if (targets !== 1)
      ctx.addIssue({ code: 'custom', path: ['topic_arn'], message: 'expected exactly one of topic_arn, target_arn and phone_number' });
    if (!regionOf(config))
      ctx.addIssue({ code: 'custom', path: ['sigv4', 'region'], message: 'expected the region (it cannot be read from a phone number)' });
    for (const field of ['profile', 'role_arn'] as const)
      if (config.sigv4[field])
        ctx.addIssue({
          code: 'custom',
          path: ['sigv4', field],
          // Reading a profile or assuming a role takes the AWS SDK's whole credential chain (its STS
          // and SSO clients); keys from the environment sign the same requests with what is here.
          message:
            'not supported (a profile or a role needs the AWS SDK credential chain, which alertpipe does not carry): give access_key and secret_key (for example ${AWS_ACCESS_KEY_ID} and ${AWS_SECRET_ACCESS_KEY})',
        });
    for (const field of ['access_key', 'secret_key'] as const)
      if (!config.sigv4[field] && !config.sigv4.profile && !config.sigv4.role_arn)
        ctx.addIssue({
          code: 'custom',
          path: ['sigv4', field],
          message: 'expected the key that signs the requests (for example ${AWS_SECRET_ACCESS_KEY})',
        });
    if (Object.keys(config.attributes).length > SNS_LIMITS.attributes)
      ctx.addIssue({ code: 'custom', path: ['attributes'], message: `SNS takes at most ${SNS_LIMITS.attributes} message attributes` });
  });

function regionOf(config: {
  sigv4: { region?: string | undefined };
  topic_arn?: string | undefined;
  target_arn?: string | undefined;
}): string | undefined {
  return config.sigv4.region ?? ARN_REGION.exec(config.topic_arn ?? config.target_arn ?? '')?.[1];
}

/**
 * A message per group published to an SNS topic, an endpoint or a phone (SMS), through the Query
 * API signed with AWS Signature Version 4. SNS delivers and forgets: nothing can be edited, and
 * the resolve is a new message.
 */
export const snsActionType = defineActionType({
  schema: snsSchema,
  create(name, config, deps) {
    const messageOf = chatMessageBuilder(name, config, deps);
    const templates = compileFieldTemplates<SnsTemplateField>(name, { subject: config.subject, message: config.message });
    const region = regionOf(config) ?? '';
    const apiUrl = config.api_url ?? `https://sns.${region}.amazonaws.com/`;
    const client = createSnsClient(apiUrl, {
      region,
      accessKeyId: config.sigv4.access_key ?? '',
      secretAccessKey: config.sigv4.secret_key ?? '',
    });
    const scrub = secretsScrubber([config.sigv4.secret_key]);
    const target = config.topic_arn ?? config.target_arn ?? config.phone_number ?? '';
    const publishOf = (notification: EnrichedNotification, logger: Logger): URLSearchParams =>
      snsPublish(notification, messageOf(notification, logger), config, templates, fieldTemplateFailureReporter(name, deps, logger));
    return {
      name,
      type: 'sns',
      sendResolved: config.send_resolved,
      timeoutMs: config.timeout,
      rateLimit: { key: `sns:${apiUrl}:${target}`, ...SNS_RATE },
      async handle(notification, ctx) {
        const params = publishOf(notification, ctx.logger);
        try {
          const messageId = await client.call(params, { timeoutMs: config.timeout, signal: ctx.signal });
          const count = notification.alerts.length;
          return { detail: `published ${count} alert${count === 1 ? '' : 's'} (${messageId})`, data: { messageId } };
        } catch (error) {
          throw scrubbedError(error, scrub);
        }
      },
      preview(notification) {
        const params = publishOf(notification, deps.logger);
        return { contentType: 'application/x-www-form-urlencoded', body: Object.fromEntries(params), problems: checkSnsPublish(params) };
      },
    };
  },
});
