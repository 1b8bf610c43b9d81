import { randomUUID } from 'node:crypto';
import { startHttpStandIn, type HttpStandIn, type StandInAnswer } from './http-stand-in.js';

/** An image sent as the `attachment` part of a multipart message. */
export interface PushoverAttachment {
  readonly contentType: string;
  readonly filename: string;
  readonly bytes: Buffer;
}

export interface PushoverMessage {
  readonly form: Readonly<Record<string, string>>;
  readonly attachment?: PushoverAttachment;
  readonly receipt?: string;
  readonly at: number;
}

export interface FakePushover {
  /** The API root to put in `api_url`. */
  readonly url: string;
  readonly token: string;
  readonly userKey: string;
  readonly standIn: HttpStandIn;
  readonly accepted: PushoverMessage[];
  /** Receipts cancelled, in order. */
  readonly cancelled: string[];
  /** Messages left this month; at 0 Pushover answers 429. */
  quota: number;
  /** The Unix time the quota renews, as `X-Limit-App-Reset` says it. */
  resetAt: number;
  /** The largest attachment taken, in bytes: Pushover's 5,242,880 unless a test lowers it. */
  attachmentLimit: number;
  close(): Promise<void>;
}

// Application tokens and user keys are 30 characters of [A-Za-z0-9] (pushover.net/api#identifiers).
const TOKEN = 'azGDORePK8gMaC0QOYAMyEEuzJnyUi';
const USER = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';
// pushover.net/api#limits: characters (code points), not bytes.
const LIMITS = { message: 1024, title: 250, url: 512, url_title: 100 } as const;
const RESET = Math.floor(Date.UTC(2026, 11, 1) / 1000);
// pushover.net/api#attachments: one image per message, at most 5,242,880 bytes.
const ATTACHMENT_LIMIT = 5_242_880;

/**
 * Pushover's message API as documented (pushover.net/api): `POST /1/messages.json` with a form
 * (`token`, `user`, `message` required; limits in characters; priority -2..2, and for 2 a `retry`
 * of at least 30 and an `expire` of at most 10800), answered `{status: 1, request}` plus a
 * `receipt` for priority 2, with `X-Limit-App-*` headers; a refusal is 400 `{<field>: "invalid",
 * errors: [...], status: 0, request}`; past the monthly quota 429. `POST
 * /1/receipts/{receipt}/cancel.json` with the same token stops an emergency message. A message
 * may instead be multipart/form-data with one image as the `attachment` part, its content type
 * given in the part (pushover.net/api#attachments); one over 5,242,880 bytes, or not an image, is
 * refused as `{attachment: "invalid"}`.
 */
export async function startFakePushover(): Promise<FakePushover> {
  const accepted: PushoverMessage[] = [];
  const cancelled: string[] = [];
  const receipts = new Set<string>();
  const fake = { quota: 10_000, resetAt: RESET, attachmentLimit: ATTACHMENT_LIMIT };
  const standIn = await startHttpStandIn(async (request) => {
    const limits = { 'x-limit-app-limit': '10000', 'x-limit-app-remaining': String(fake.quota), 'x-limit-app-reset': String(fake.resetAt) };
    if (request.method !== 'POST') return refuse(405, 'method', 'only POST is accepted');
    const contentType = String(request.headers['content-type'] ?? '');
    const parsed = contentType.startsWith('multipart/form-data')
      ? await multipartForm(request.raw, contentType)
      : contentType.startsWith('application/x-www-form-urlencoded')
        ? { form: Object.fromEntries(new URLSearchParams(request.body)) }
        : undefined;
    // A body Pushover cannot read has no parameters, so the first one it misses is the message.
    if (parsed === undefined) return refuse(400, 'message', 'message cannot be blank');
    const { form, attachment } = parsed;
    if (form.token !== TOKEN) return refuse(400, 'token', 'application token is invalid, see https://pushover.net/api');
    const cancel = /^\/1\/receipts\/([A-Za-z0-9]+)\/cancel\.json$/.exec(request.url);
    if (cancel) {
      const receipt = cancel[1]!;
      if (!receipts.delete(receipt)) return refuse(400, 'receipt', 'receipt not found; may be invalid or expired');
      cancelled.push(receipt);
      return { status: 200, body: { status: 1, request: randomUUID() } };
    }
    if (request.url !== '/1/messages.json') return { status: 404, body: { status: 0, errors: ['not found'], request: randomUUID() } };
    const problem = check(form) ?? (attachment ? checkAttachment(attachment, fake.attachmentLimit) : undefined);
    if (problem) return { ...refuse(400, problem[0], problem[1]), headers: limits };
    if (fake.quota <= 0)
      return {
        status: 429,
        body: { status: 0, errors: ['application has exceeded its monthly message limit'], request: randomUUID() },
        headers: { ...limits, 'x-limit-app-remaining': '0' },
      };
    fake.quota -= 1;
    const receipt = form.priority === '2' ? randomUUID().replace(/-/g, '').slice(0, 30) : undefined;
    if (receipt) receipts.add(receipt);
    accepted.push({ form, ...(attachment ? { attachment } : {}), ...(receipt ? { receipt } : {}), at: request.at });
    return { status: 200, body: { status: 1, request: randomUUID(), ...(receipt ? { receipt } : {}) }, headers: limits };
  });
  return Object.assign(fake, {
    url: `${standIn.url}/1/`,
    token: TOKEN,
    userKey: USER,
    standIn,
    accepted,
    cancelled,
    close: () => standIn.close(),
  });
}

/** The parts of a multipart body, read by the platform's own parser: text fields, and the `attachment` file. */
async function multipartForm(
  raw: Buffer,
  contentType: string,
): Promise<{ form: Record<string, string>; attachment?: PushoverAttachment } | undefined> {
  let data: FormData;
  try {
    data = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  } catch {
    return undefined;
  }
  const form: Record<string, string> = {};
  let attachment: PushoverAttachment | undefined;
  for (const [field, value] of data.entries()) {
    if (typeof value === 'string') form[field] = value;
    else if (field === 'attachment')
      attachment = { contentType: value.type, filename: value.name, bytes: Buffer.from(await value.arrayBuffer()) };
  }
  return { form, ...(attachment ? { attachment } : {}) };
}

function checkAttachment(attachment: PushoverAttachment, limit: number): [string, string] | undefined {
  if (!attachment.contentType.startsWith('image/')) return ['attachment', 'attachment must be an image'];
  if (attachment.bytes.length > limit) return ['attachment', `attachment is too large (maximum ${limit} bytes)`];
  return undefined;
}

function refuse(status: number, field: string, error: string): StandInAnswer {
  return { status, body: { [field]: 'invalid', errors: [error], status: 0, request: randomUUID() } };
}

/** The first rule of the documented API the form breaks, as [field, Pushover's error]. */
export function check(form: Readonly<Record<string, string>>): [string, string] | undefined {
  if (form.user !== USER) return ['user', 'user identifier is not a valid user, group, or subscribed user key'];
  if (!form.message?.trim()) return ['message', 'message cannot be blank'];
  for (const [field, max] of Object.entries(LIMITS))
    if (form[field] !== undefined && [...form[field]].length > max) return [field, `${field} is too long (maximum ${max} characters)`];
  const priority = form.priority ?? '0';
  if (!['-2', '-1', '0', '1', '2'].includes(priority)) return ['priority', 'priority is invalid'];
  if (priority === '2') {
    if (!(Number(form.retry) >= 30)) return ['retry', 'retry is invalid; must be at least 30 seconds'];
    if (!(Number(form.expire) > 0 && Number(form.expire) <= 10_800)) return ['expire', 'expire must be 10800 or less'];
  }
  if (form.html === '1' && form.monospace === '1') return ['monospace', 'html and monospace cannot both be set'];
  return undefined;
}
