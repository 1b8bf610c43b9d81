import { byteLength, markdownMessage } from '../chat/markdown-message.js';
import type { Message } from '../chat/message-model.js';
import { ZULIP_TOPIC_MAX } from './zulip-topic.js';

// zulip.com/api/send-message: content "Maximum message size of 10000 bytes"; topic 60 characters.
export const ZULIP_LIMITS = { contentBytes: 10_000, topic: ZULIP_TOPIC_MAX } as const;

export interface ZulipMessage {
  readonly type: 'stream';
  readonly to: string;
  readonly topic: string;
  readonly content: string;
}

/** The message model as a Zulip stream message in the group's topic: Zulip Markdown within 10,000 bytes. */
export function zulipMessage(message: Message, stream: string, topic: string): ZulipMessage {
  return {
    type: 'stream',
    to: stream,
    topic,
    content: markdownMessage(message, { maxBytes: ZULIP_LIMITS.contentBytes, escape: escapeZulip }),
  };
}

/**
 * Zulip's Markdown takes a backslash before its markup characters. Escaping `*` is also what
 * keeps `@**all**` (a mention of everyone) and `#**stream**` from forming out of an alert's text;
 * Zulip shows no raw HTML, so `<` needs nothing. A `-`, `+` or digit-dot that would start a list
 * is escaped too.
 */
export function escapeZulip(text: string): string {
  return text.replace(/[\\`*_[\]>#]/g, '\\$&');
}

/** What Zulip would refuse in a finished body; what `alertpipe render` reports. */
export function checkZulipMessage(body: ZulipMessage): string[] {
  const problems: string[] = [];
  if (body.to === '') problems.push('no stream');
  if (body.topic.trim() === '') problems.push('empty topic');
  if ([...body.topic].length > ZULIP_LIMITS.topic) problems.push(`topic over ${ZULIP_LIMITS.topic} characters`);
  if (body.content.trim() === '') problems.push('empty content');
  const bytes = byteLength(body.content);
  if (bytes > ZULIP_LIMITS.contentBytes) problems.push(`content of ${bytes} bytes (Zulip takes at most ${ZULIP_LIMITS.contentBytes})`);
  return problems;
}
