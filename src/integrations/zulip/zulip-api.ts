import { answeredId, apiFailure, chatApiRequest } from '../chat/chat-api-request.js';
import type { PlacedMessage } from '../chat/group-message-refs.js';
import type { ZulipMessage } from './zulip-message.js';

export interface ZulipApiOptions {
  /** The organization's site, `https://example.zulipchat.com`. */
  readonly site: string;
  readonly email: string;
  readonly apiKey: string;
  readonly timeoutMs: number;
}

/** `Basic base64(email:api_key)`: how Zulip's API authenticates a bot. Itself a credential. */
export function zulipAuthorization(email: string, apiKey: string): string {
  return `Basic ${Buffer.from(`${email}:${apiKey}`).toString('base64')}`;
}

/**
 * Zulip's REST API as a bot uses it, form-encoded as Zulip documents: `POST /api/v1/messages`
 * answers `{"result": "success", "id": …}`; `PATCH /api/v1/messages/{id}` with `content`
 * replaces the content and leaves the topic. Errors are `{"result": "error", "msg", "code"}`;
 * past the rate limit 429 with `Retry-After` (and `retry-after` in the body, the same figure).
 * An edit is refused with 400 once the organization's edit time limit has passed or the message
 * is gone: the group then goes on in a new message in the same topic.
 */
export function zulipApi(options: ZulipApiOptions) {
  const headers = {
    Authorization: zulipAuthorization(options.email, options.apiKey),
    'Content-Type': 'application/x-www-form-urlencoded',
  };
  const base = `${options.site.replace(/\/+$/, '')}/api/v1/messages`;
  const call = (method: 'POST' | 'PATCH', url: string, form: Record<string, string>, signal: AbortSignal) =>
    chatApiRequest({
      url,
      method,
      body: new URLSearchParams(form).toString(),
      headers,
      destination: 'Zulip',
      timeoutMs: options.timeoutMs,
      signal,
    });
  return {
    async post(body: ZulipMessage, signal: AbortSignal): Promise<PlacedMessage> {
      const response = await call('POST', base, { ...body }, signal);
      if (response.status < 200 || response.status >= 300) throw apiFailure('Zulip', response);
      return { channelId: body.to, messageId: answeredId('Zulip', response) };
    },
    async edit(placed: PlacedMessage, body: ZulipMessage, signal: AbortSignal): Promise<'edited' | { gone: string }> {
      const response = await call('PATCH', `${base}/${encodeURIComponent(placed.messageId)}`, { content: body.content }, signal);
      if (response.status >= 200 && response.status < 300) return 'edited';
      if (response.status === 400) return { gone: 'Zulip refused the edit (400)' };
      throw apiFailure('Zulip', response);
    },
  };
}
