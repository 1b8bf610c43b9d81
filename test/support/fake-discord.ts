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
  /** The message's id when posted with `?wait=true` (plain posts answer 204 and have none to hand back). */
  readonly id?: string;
  readonly content: string;
  readonly embeds: DiscordEmbed[];
  readonly allowedMentions: unknown;
  readonly at: number;
}

export interface FakeDiscord {
  /** A webhook URL this stand-in knows: `/api/webhooks/{id}/{token}`. */
  readonly url: string;
  readonly standIn: HttpStandIn;
  /** Every message posted, in order. */
  readonly accepted: DiscordPost[];
  /** Every edit accepted (`PATCH …/messages/{id}`), with the message's id. */
  readonly edits: DiscordPost[];
  /** The messages as the channel shows them now, by id. */
  readonly messages: Map<string, DiscordPost>;
  /** Deletes a message in the channel, as a person could. */
  deleteMessage(id: string): void;
  failWith(answer: StandInAnswer | undefined): void;
  /** Empties the webhook's rate-limit bucket, as 2 s of quiet would. */
  resetBucket(): void;
  close(): Promise<void>;
}

const WEBHOOK_ID = '1181818181818181818';
const CHANNEL_ID = '1181818181818181000';
const WEBHOOK_TOKEN = 'dIsCoRdToKeN-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
// A webhook's bucket: 5 requests, reset 2 s after the first (discord.com/developers/docs/topics/rate-limits).
const BUCKET = { limit: 5, windowMs: 2_000 };

/**
 * A Discord webhook (`POST /api/webhooks/{id}/{token}`) that checks a message as Discord does and
 * answers as Discord does: 204 when it posts, or 200 with the message object when asked with
 * `?wait=true`; `PATCH /api/webhooks/{id}/{token}/messages/{message_id}` edits a message the
 * webhook posted (200 with the message), 404 `Unknown Message` (10008) for one it does not have
 * (deleted, never posted); 404 `Unknown Webhook` (10015) for a wrong id or
 * token; 400 `Cannot send an empty message` (50006), `invalid JSON` (50109) or `Invalid Form Body`
 * (50035, with the offending path) for a bad body; 429 with `Retry-After`, `X-RateLimit-*` and
 * `retry_after` in the body past 5 requests in 2 s.
 */
export async function startFakeDiscord(): Promise<FakeDiscord> {
  const accepted: DiscordPost[] = [];
  const edits: DiscordPost[] = [];
  const messages = new Map<string, DiscordPost>();
  let nextId = 1300000000000000000n;
  let failure: StandInAnswer | undefined;
  let window: number[] = [];
  const standIn = await startHttpStandIn((request) => {
    if (failure) return failure;
    const [path = '', query = ''] = request.url.split('?');
    const webhook = `/api/webhooks/${WEBHOOK_ID}/${WEBHOOK_TOKEN}`;
    const edited = path.startsWith(`${webhook}/messages/`) ? path.slice(`${webhook}/messages/`.length) : undefined;
    if (path !== webhook && edited === undefined) {
      return path.startsWith(`/api/webhooks/${WEBHOOK_ID}/`)
        ? { status: 401, body: { message: 'Invalid Webhook Token', code: 50027 } }
        : { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
    }
    if ((edited === undefined && request.method !== 'POST') || (edited !== undefined && request.method !== 'PATCH'))
      return { status: 405, body: { message: '405: Method Not Allowed', code: 0 } };
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
    const wait = new URLSearchParams(query).get('wait') === 'true';
    const answer = (post: DiscordPost): StandInAnswer => ({
      status: 200,
      body: {
        id: post.id,
        type: 0,
        channel_id: CHANNEL_ID,
        webhook_id: WEBHOOK_ID,
        author: { id: WEBHOOK_ID, username: 'alertpipe', bot: true },
        content: post.content,
        embeds: post.embeds,
        timestamp: new Date(post.at).toISOString(),
      },
    });
    const checked = check(request);
    if ('answer' in checked) return { ...checked.answer, headers: rate };
    if (edited !== undefined) {
      if (!messages.has(edited)) return { status: 404, body: { message: 'Unknown Message', code: 10008 }, headers: rate };
      const post = { ...checked.post, id: edited };
      messages.set(edited, post);
      edits.push(post);
      return { ...answer(post), headers: rate };
    }
    const post = { ...checked.post, id: String(nextId++) };
    accepted.push(post);
    messages.set(post.id, post);
    return wait ? { ...answer(post), headers: rate } : { status: 204, headers: rate };
  });
  return {
    url: `${standIn.url}/api/webhooks/${WEBHOOK_ID}/${WEBHOOK_TOKEN}`,
    standIn,
    accepted,
    edits,
    messages,
    deleteMessage(id) {
      messages.delete(id);
    },
    failWith(answer) {
      failure = answer;
    },
    resetBucket() {
      window = [];
    },
    close: () => standIn.close(),
  };
}

function check(request: RecordedRequest): { post: DiscordPost } | { answer: StandInAnswer } {
  const refuse = (answer: StandInAnswer) => ({ answer });
  if (!String(request.headers['content-type'] ?? '').startsWith('application/json'))
    return refuse({ status: 400, body: { message: 'Cannot send an empty message', code: 50006 } });
  let payload: { content?: unknown; embeds?: unknown; allowed_mentions?: unknown };
  try {
    payload = JSON.parse(request.body) as typeof payload;
  } catch {
    return refuse({ status: 400, body: { message: 'The request body contains invalid JSON.', code: 50109 } });
  }
  const content = typeof payload.content === 'string' ? payload.content : '';
  const embeds = Array.isArray(payload.embeds) ? (payload.embeds as DiscordEmbed[]) : [];
  if (content === '' && embeds.length === 0) return refuse({ status: 400, body: { message: 'Cannot send an empty message', code: 50006 } });
  const problem = checkEmbeds(content, embeds);
  if (problem)
    return refuse({
      status: 400,
      body: {
        code: 50035,
        errors: { [problem.path]: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: problem.message }] } },
        message: 'Invalid Form Body',
      },
    });
  return { post: { content, embeds, allowedMentions: payload.allowed_mentions, at: request.at } };
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
