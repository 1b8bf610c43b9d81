import { answeredId, apiFailure, chatApiRequest, jsonOf } from '../chat/chat-api-request.js';
import type { PlacedMessage } from '../chat/group-message-refs.js';
import type { DiscordMessage } from './discord-embeds.js';

// discord.com/developers/docs/topics/opcodes-and-status-codes#json: the message no longer exists.
const UNKNOWN_MESSAGE = 10008;

/**
 * A Discord webhook that answers its messages: `POST {webhook}?wait=true` answers 200 with the
 * message object (plain POST answers 204, with no id to edit), and `PATCH
 * {webhook}/messages/{message_id}` replaces the embeds and content of one the webhook posted. A
 * message deleted in the channel is `404 Unknown Message` (10008): the group goes on in a new one.
 * A `thread_id` in the URL is kept on both, as the message lives in that thread.
 */
export function discordWebhookApi(webhookUrl: string, timeoutMs: number) {
  const headers = { 'Content-Type': 'application/json; charset=utf-8' };
  const postUrl = withPath(webhookUrl, '', { wait: 'true' });
  const call = (method: 'POST' | 'PATCH', url: string, body: DiscordMessage, signal: AbortSignal) =>
    chatApiRequest({ url, method, body: JSON.stringify(body), headers, destination: 'Discord', timeoutMs, signal });
  return {
    async post(body: DiscordMessage, signal: AbortSignal): Promise<PlacedMessage> {
      const response = await call('POST', postUrl, body, signal);
      if (response.status < 200 || response.status >= 300) throw apiFailure('Discord', response);
      const channel = jsonOf(response)?.channel_id;
      return { channelId: typeof channel === 'string' ? channel : '', messageId: answeredId('Discord', response) };
    },
    async edit(placed: PlacedMessage, body: DiscordMessage, signal: AbortSignal): Promise<'edited' | { gone: string }> {
      const url = withPath(webhookUrl, `/messages/${encodeURIComponent(placed.messageId)}`, {});
      const response = await call('PATCH', url, body, signal);
      if (response.status >= 200 && response.status < 300) return 'edited';
      if (response.status === 404 && jsonOf(response)?.code === UNKNOWN_MESSAGE) return { gone: 'Unknown Message' };
      throw apiFailure('Discord', response);
    },
  };
}

function withPath(webhookUrl: string, suffix: string, params: Record<string, string>): string {
  const url = new URL(webhookUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${suffix}`;
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}
