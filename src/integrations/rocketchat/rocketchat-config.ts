import { z } from 'zod';
import { secret } from '../../lib/secret.js';
import { commonActionFields } from '../action-type.js';
import { chatMessageFields } from '../chat/chat-message.js';

/** Alertmanager's `global.rocketchat_api_url`: the Rocket.Chat it posts to unless told otherwise. */
export const ROCKETCHAT_API_URL = 'https://open.rocket.chat';

// `{{ .Status }}`, `{{ template "rocketchat.default.text" . }}`: Alertmanager's Go templates,
// which alertpipe does not run. Left as they are they would be sent as that text.
const GO_TEMPLATE = /\{\{-?\s*(template\b|\.|if\b|range\b|with\b|define\b|end\b)/;
const goTemplateAdvice = (field: string, instead: string) =>
  `${field} is an Alertmanager Go template, which alertpipe does not run: ${instead}`;

/** A fixed value: an Alertmanager template here is refused with what to write instead. */
const fixed = (field: string, instead: string) =>
  z
    .string()
    .trim()
    .min(1)
    .refine((value) => !GO_TEMPLATE.test(value), goTemplateAdvice(field, instead));
const fixedUrl = (field: string, instead: string) =>
  fixed(field, instead).pipe(z.url({ protocol: /^https?$/, error: `expected the http(s) URL of ${field}` }));
/** `title` and `text` are templates in Alertmanager, and alertpipe (Liquid) templates here. */
const liquid = (field: string) =>
  z
    .string()
    .min(1)
    .refine(
      (value) => !GO_TEMPLATE.test(value),
      goTemplateAdvice(field, `write it as a Liquid template ({{ commonLabels.alertname }}), or leave it out for the default`),
    );

export const rocketchatSchema = z
  .object({
    type: z.literal('rocketchat'),
    api_url: z.url({ protocol: /^https?$/, error: 'expected the http(s) URL of the Rocket.Chat server' }).default(ROCKETCHAT_API_URL),
    /** A personal access token (My Account → Personal Access Tokens) and the ID of its user. */
    token: secret(z.string().trim().min(1, 'expected a personal access token of Rocket.Chat')),
    token_id: secret(z.string().trim().min(1, 'expected the user ID that the token belongs to')),
    /** `#channel`, `@user` or a room's ID. */
    channel: z.string().trim().min(1, 'expected the room to post in: #channel, @user or a room ID'),
    /** The bar's colour, fixed; red while firing and green once resolved when absent. */
    color: fixed('color', 'leave it out (red while firing, green once resolved) or give one colour').optional(),
    emoji: fixed('emoji', 'give an emoji (:bell:) or leave it out').optional(),
    icon_url: fixedUrl('icon_url', 'give a picture URL or leave it out').optional(),
    title: liquid('title').optional(),
    title_link: fixedUrl('title_link', "leave it out (the Alertmanager's URL) or give a fixed URL").optional(),
    text: liquid('text').optional(),
    fields: z
      .array(
        z
          .object({
            title: fixed('fields.title', 'give fixed text; the enrichment is shown per alert'),
            value: fixed('fields.value', 'give fixed text; the enrichment is shown per alert'),
            short: z.boolean().optional(),
          })
          .strict(),
      )
      .optional(),
    /** Whether the `fields` without a `short` of their own are shown side by side. */
    short_fields: z.boolean().default(false),
    image_url: fixedUrl('image_url', 'give a fixed URL or leave it out').optional(),
    thumb_url: fixedUrl('thumb_url', 'give a fixed URL or leave it out').optional(),
    /** Accepted as Alertmanager accepts it; it changes nothing there either. */
    link_names: z.boolean().default(false),
    actions: z
      .array(
        z
          .object({
            type: z.literal('button').default('button'),
            text: fixed('actions.text', 'give the button a fixed label'),
            url: fixedUrl('actions.url', 'give a fixed URL').optional(),
            msg: fixed('actions.msg', 'give a fixed message').optional(),
          })
          .strict(),
      )
      .optional(),
    ...chatMessageFields,
    ...commonActionFields,
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const name of ['title', 'text'] as const)
      if (config[name] !== undefined && config.templates?.[name] !== undefined)
        ctx.addIssue({ code: 'custom', path: [name], message: `give ${name} or templates.${name}, not both` });
  });

export type RocketchatConfig = z.output<typeof rocketchatSchema>;
