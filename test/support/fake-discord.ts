import { startHttpStandIn, type HttpStandIn, type RecordedRequest, type StandInAnswer } from './http-stand-in.js';

/** An embed as Discord reads it. */
export interface DiscordEmbed {
  title?: string;
  description?: string;
  color?: number;
  url?: string;
  fields?: Array<{ name?: string; value?: string; inline?: boolean }>;
  footer?: { text?: string };
  author?: { name?: string };
}

export interface DiscordPost {
  readonly content: string;
  readonly embeds: DiscordEmbed[];
  readonly allowedMentions: unknown;
  readonly at: number;
}

export interface FakeDiscord {
  /** A webhook URL this stand-in knows: `/api/webhooks/{id}/{token}`. */
  readonly url: string;
  readonly standIn: HttpStandIn;
  readonly accepted: DiscordPost[];
  failWith(answer: StandInAnswer | undefined): void;
  /** Empties the webhook's rate-limit bucket, as 2 s of quiet would. */
  resetBucket(): void;
  close(): Promise<void>;
}

const WEBHOOK_ID = '1181818181818181818';
const WEBHOOK_TOKEN = 'dIsCoRdToKeN-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
// A webhook's bucket: 5 requests, reset 2 s after the first (discord.com/developers/docs/topics/rate-limits).
const BUCKET = { limit: 5, windowMs: 2_000 };

/**
 * A Discord webhook (`POST /api/webhooks/{id}/{token}`) that checks a message as Discord does and
 * answers as Discord does: 204 when it posts; 404 `Unknown Webhook` (10015) for a wrong id or
 * token; 400 `Cannot send an empty message` (50006), `invalid JSON` (50109) or `Invalid Form Body`
 * (50035, with the offending path) for a bad body; 429 with `Retry-After`, `X-RateLimit-*` and
 * `retry_after` in the body past 5 requests in 2 s.
 */
export async function startFakeDiscord(): Promise<FakeDiscord> {
  const accepted: DiscordPost[] = [];
  let failure: StandInAnswer | undefined;
  let window: number[] = [];
  const standIn = await startHttpStandIn((request) => {
    if (failure) return failure;
    const path = request.url.split('?')[0];
    if (request.method !== 'POST') return { status: 405, body: { message: '405: Method Not Allowed', code: 0 } };
    if (path !== `/api/webhooks/${WEBHOOK_ID}/${WEBHOOK_TOKEN}`) return { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
    window = window.filter((at) => at > request.at - BUCKET.windowMs);
    if (window.length >= BUCKET.limit) {
      const retryAfter = ((window[0] ?? request.at) + BUCKET.windowMs - request.at) / 1000;
      return {
        status: 429,
        body: { message: 'You are being rate limited.', retry_after: retryAfter, global: false },
        headers: {
          'retry-after': String(Math.ceil(retryAfter)),
          'x-ratelimit-limit': String(BUCKET.limit),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset-after': retryAfter.toFixed(3),
          'x-ratelimit-scope': 'shared',
        },
      };
    }
    window.push(request.at);
    const rate = {
      'x-ratelimit-limit': String(BUCKET.limit),
      'x-ratelimit-remaining': String(BUCKET.limit - window.length),
      'x-ratelimit-reset-after': '2.000',
    };
    return { ...check(request, accepted), headers: rate };
  });
  return {
    url: `${standIn.url}/api/webhooks/${WEBHOOK_ID}/${WEBHOOK_TOKEN}`,
    standIn,
    accepted,
    failWith(answer) {
      failure = answer;
    },
    resetBucket() {
      window = [];
    },
    close: () => standIn.close(),
  };
}

function check(request: RecordedRequest, accepted: DiscordPost[]): StandInAnswer {
  if (!String(request.headers['content-type'] ?? '').startsWith('application/json'))
    return { status: 400, body: { message: 'Cannot send an empty message', code: 50006 } };
  let payload: { content?: unknown; embeds?: unknown; allowed_mentions?: unknown };
  try {
    payload = JSON.parse(request.body) as typeof payload;
  } catch {
    return { status: 400, body: { message: 'The request body contains invalid JSON.', code: 50109 } };
  }
  const content = typeof payload.content === 'string' ? payload.content : '';
  const embeds = Array.isArray(payload.embeds) ? (payload.embeds as DiscordEmbed[]) : [];
  if (content === '' && embeds.length === 0) return { status: 400, body: { message: 'Cannot send an empty message', code: 50006 } };
  const problem = checkEmbeds(content, embeds);
  if (problem)
    return {
      status: 400,
      body: {
        code: 50035,
        errors: { [problem.path]: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: problem.message }] } },
        message: 'Invalid Form Body',
      },
    };
  accepted.push({ content, embeds, allowedMentions: payload.allowed_mentions, at: request.at });
  return { status: 204 };
}

/** Discord's documented message and embed limits; the first one broken. */
export function checkEmbeds(content: string, embeds: DiscordEmbed[]): { path: string; message: string } | undefined {
  if (content.length > 2000) return { path: 'content', message: 'Must be 2000 or fewer in length.' };
  if (embeds.length > 10) return { path: 'embeds', message: 'Must be 10 or fewer in length.' };
  let total = 0;
  for (const [i, embed] of embeds.entries()) {
    const limits: [string, string | undefined, number][] = [
      ['title', embed.title, 256],
      ['description', embed.description, 4096],
      ['footer.text', embed.footer?.text, 2048],
      ['author.name', embed.author?.name, 256],
    ];
    for (const [name, value, max] of limits) {
      if ((value ?? '').length > max) return { path: `embeds.${i}.${name}`, message: `Must be ${max} or fewer in length.` };
      total += (value ?? '').length;
    }
    if (embed.color !== undefined && (!Number.isInteger(embed.color) || embed.color < 0 || embed.color > 0xffffff))
      return { path: `embeds.${i}.color`, message: 'Value must be a valid color.' };
    const fields = embed.fields ?? [];
    if (fields.length > 25) return { path: `embeds.${i}.fields`, message: 'Must be 25 or fewer in length.' };
    for (const [f, field] of fields.entries()) {
      if (!field.name || field.name.length > 256)
        return { path: `embeds.${i}.fields.${f}.name`, message: 'Must be between 1 and 256 in length.' };
      if (!field.value || field.value.length > 1024)
        return { path: `embeds.${i}.fields.${f}.value`, message: 'Must be between 1 and 1024 in length.' };
      total += field.name.length + field.value.length;
    }
  }
  if (total > 6000) return { path: 'embeds', message: 'Embed size exceeds maximum size of 6000' };
  return undefined;
}
