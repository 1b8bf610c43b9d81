import { escapeCommonMark, byteLength, markdownMessage } from '../chat/markdown-message.js';
import type { Message } from '../chat/message-model.js';

// developer.webex.com/docs/api/v1/messages/create-a-message: "The maximum message length is 7439 bytes."
export const WEBEX_LIMITS = { markdownBytes: 7_439, edits: 10 } as const;

export interface WebexMessage {
  readonly roomId: string;
  readonly markdown: string;
}

/** The message model as a Webex message: Markdown (CommonMark escapes), within its 7,439 bytes. */
export function webexMessage(message: Message, roomId: string): WebexMessage {
  return { roomId, markdown: markdownMessage(message, { maxBytes: WEBEX_LIMITS.markdownBytes, escape: escapeCommonMark }) };
}

/** What Webex would refuse in a finished body; what `alertpipe render` reports. */
export function checkWebexMessage(body: WebexMessage): string[] {
  const problems: string[] = [];
  if (body.roomId === '') problems.push('no roomId');
  if (body.markdown.trim() === '') problems.push('empty markdown');
  const bytes = byteLength(body.markdown);
  if (bytes > WEBEX_LIMITS.markdownBytes) problems.push(`markdown of ${bytes} bytes (Webex takes at most ${WEBEX_LIMITS.markdownBytes})`);
  return problems;
}
