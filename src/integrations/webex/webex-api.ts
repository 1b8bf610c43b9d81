import { answeredId, apiFailure, chatApiRequest } from '../chat/chat-api-request.js';
import type { PlacedMessage } from '../chat/group-message-refs.js';
import type { WebexMessage } from './webex-message.js';

export const WEBEX_MESSAGES_URL = 'https://webexapis.com/v1/messages';

export interface WebexApiOptions {
  /** The messages endpoint (`https://webexapis.com/v1/messages`), as Alertmanager's `api_url`. */
  readonly apiUrl: string;
  readonly token: string;
  readonly timeoutMs: number;
}

/**
 * Webex's Messages API as a bot uses it: `POST /v1/messages` answers the message (`{id, roomId,
 * …}`), `PUT /v1/messages/{id}` with `{roomId, markdown}` replaces its content. Webex refuses an
 * edit with 400 once a message has been edited 10 times (or holds a file), and with 404 once it
 * is deleted: the group then goes on in a new message.
 */
export function webexApi(options: WebexApiOptions) {
  const headers = { Authorization: `Bearer ${options.token}`, 'Content-Type': 'application/json; charset=utf-8' };
  const base = options.apiUrl.replace(/\/+$/, '');
  const call = (method: 'POST' | 'PUT', url: string, body: WebexMessage, signal: AbortSignal) =>
    chatApiRequest({ url, method, body: JSON.stringify(body), headers, destination: 'Webex', timeoutMs: options.timeoutMs, signal });
  return {
    async post(body: WebexMessage, signal: AbortSignal): Promise<PlacedMessage> {
      const response = await call('POST', base, body, signal);
      if (response.status < 200 || response.status >= 300) throw apiFailure('Webex', response);
      return { channelId: body.roomId, messageId: answeredId('Webex', response) };
    },
    async edit(placed: PlacedMessage, body: WebexMessage, signal: AbortSignal): Promise<'edited' | { gone: string }> {
      const response = await call('PUT', `${base}/${encodeURIComponent(placed.messageId)}`, { ...body, roomId: placed.channelId }, signal);
      if (response.status >= 200 && response.status < 300) return 'edited';
      if (response.status === 400 || response.status === 404) return { gone: `Webex answered ${response.status} to the edit` };
      throw apiFailure('Webex', response);
    },
  };
}
