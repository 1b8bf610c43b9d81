import { randomBytes } from 'node:crypto';
import { startHttpStandIn, type HttpStandIn, type RecordedRequest, type StandInAnswer } from './http-stand-in.js';

export interface NtfyPublished {
  readonly topic: string;
  readonly title?: string;
  readonly message: string;
  readonly priority: number;
  readonly tags: readonly string[];
  readonly click?: string;
  readonly actions?: readonly { action: string; label: string; url: string }[];
  readonly attachment?: { readonly name: string; readonly bytes: Buffer };
  readonly via: 'json' | 'put';
}

export interface FakeNtfy {
  /** The topic's URL. */
  readonly url: string;
  readonly topic: string;
  readonly token: string;
  readonly username: string;
  readonly password: string;
  readonly standIn: HttpStandIn;
  readonly published: NtfyPublished[];
  /** Requests left in the visitor's bucket; at 0 ntfy answers 429 (42901). */
  requestsLeft: number;
  /** Whether a client without credentials may write the topic (auth-default-access: write-only). */
  anonymousWrite: boolean;
  close(): Promise<void>;
}

// The server's defaults (docs.ntfy.sh/config): message-size-limit 4K, attachment-file-size-limit 15M.
const MESSAGE_BYTES = 4096;
const ATTACHMENT_BYTES = 15 * 1024 * 1024;
const TOPIC = /^[-_A-Za-z0-9]{1,64}$/;

const problem = (http: number, code: number, error: string, link = ''): StandInAnswer => ({
  status: http,
  body: { code, http, error, ...(link ? { link } : {}) },
});
const UNAUTHORIZED = problem(401, 40101, 'unauthorized', 'https://ntfy.sh/docs/publish/#authentication');
const FORBIDDEN = problem(403, 40301, 'forbidden', 'https://ntfy.sh/docs/publish/#authentication');

/**
 * An ntfy server with access control on (auth-default-access: deny-all) and one user who may
 * write one topic, by token or password. It takes what ntfy documents (docs.ntfy.sh/publish):
 * JSON published to `POST /` (`{topic, message, title, priority 1-5, tags, click, actions ≤ 3}`),
 * a file `PUT /{topic}` with `Filename`, `Title`, `Message`, `Priority`, `Tags` headers (RFC 2047
 * encoded words decoded), and answers as ntfy does: 200 with the message as JSON, or
 * `{code, http, error, link}`: 40017, 40007, 40009, 40018, 40101, 40301, 41301, 42901.
 */
export async function startFakeNtfy(): Promise<FakeNtfy> {
  const topic = `alerts-${randomBytes(8).toString('hex')}`;
  const token = `tk_${randomBytes(15).toString('hex')}`;
  const [username, password] = ['oncall', `pw-${randomBytes(8).toString('hex')}`];
  const published: NtfyPublished[] = [];
  const fake = { requestsLeft: 60, anonymousWrite: false };
  const standIn = await startHttpStandIn((request) => {
    const auth = String(request.headers.authorization ?? '');
    const basic = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    if (auth && auth !== `Bearer ${token}` && auth !== basic) return UNAUTHORIZED;
    if (fake.requestsLeft <= 0)
      return problem(429, 42901, 'limit reached: too many requests, please be nice', 'https://ntfy.sh/docs/publish/#limitations');
    fake.requestsLeft -= 1;
    const answer =
      request.method === 'POST' && request.url === '/' ? publishJson(request) : request.method === 'PUT' ? publishFile(request) : undefined;
    if (answer === undefined) return problem(404, 40401, 'page not found');
    if ('status' in answer) return answer;
    if ((!auth && !fake.anonymousWrite) || answer.topic !== topic) return FORBIDDEN;
    published.push(answer);
    return { status: 200, body: { id: randomBytes(6).toString('hex'), time: Math.floor(Date.now() / 1000), event: 'message', topic } };
  });
  return Object.assign(fake, {
    url: `${standIn.url}/${topic}`,
    topic,
    token,
    username,
    password,
    standIn,
    published,
    close: () => standIn.close(),
  });
}

function publishJson(request: RecordedRequest): NtfyPublished | StandInAnswer {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(request.body) as Record<string, unknown>;
  } catch {
    return problem(400, 40017, 'invalid request: request body must be message JSON', 'https://ntfy.sh/docs/publish/#publish-as-json');
  }
  if (typeof body.topic !== 'string' || !TOPIC.test(body.topic)) return problem(400, 40009, 'invalid request: topic invalid');
  const message = typeof body.message === 'string' ? body.message : 'triggered';
  if (Buffer.byteLength(message) > MESSAGE_BYTES) return problem(413, 41301, 'attachment too large, or bandwidth limit reached');
  const priority = body.priority ?? 3;
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 1 || priority > 5)
    return problem(400, 40007, 'invalid priority parameter', 'https://ntfy.sh/docs/publish/#message-priority');
  const actions = body.actions as NtfyPublished['actions'];
  if (
    actions !== undefined &&
    (!Array.isArray(actions) || actions.length > 3 || actions.some((a) => a.action !== 'view' || !a.label || !/^https?:\/\//.test(a.url)))
  )
    return problem(400, 40018, 'invalid request: actions invalid', 'https://ntfy.sh/docs/publish/#action-buttons');
  return {
    topic: body.topic,
    message,
    priority,
    tags: Array.isArray(body.tags) ? (body.tags as string[]) : [],
    ...(typeof body.title === 'string' ? { title: body.title } : {}),
    ...(typeof body.click === 'string' ? { click: body.click } : {}),
    ...(actions ? { actions } : {}),
    via: 'json',
  };
}

function publishFile(request: RecordedRequest): NtfyPublished | StandInAnswer {
  const topic = request.url.split('?')[0]!.slice(1);
  if (!TOPIC.test(topic)) return problem(400, 40009, 'invalid request: topic invalid');
  if (request.raw.length > ATTACHMENT_BYTES)
    return problem(413, 41301, 'attachment too large, or bandwidth limit reached', 'https://ntfy.sh/docs/publish/#limitations');
  const header = (name: string): string | undefined => {
    const value = request.headers[name.toLowerCase()];
    return typeof value === 'string' ? decodeWords(value) : undefined;
  };
  const priority = Number(header('Priority') ?? '3');
  if (!Number.isInteger(priority) || priority < 1 || priority > 5) return problem(400, 40007, 'invalid priority parameter');
  const message = header('Message') ?? '';
  if (Buffer.byteLength(message) > MESSAGE_BYTES) return problem(413, 41301, 'attachment too large, or bandwidth limit reached');
  const title = header('Title');
  const click = header('Click');
  return {
    topic,
    message,
    priority,
    tags: (header('Tags') ?? '').split(',').filter(Boolean),
    ...(title ? { title } : {}),
    ...(click ? { click } : {}),
    attachment: { name: header('Filename') ?? 'attachment', bytes: request.raw },
    via: 'put',
  };
}

/** RFC 2047 encoded words (`=?UTF-8?B?…?=`), as ntfy decodes its headers. */
function decodeWords(value: string): string {
  return value.replace(/=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=/gi, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
}
