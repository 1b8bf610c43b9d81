/**
 * The message an attempt sent, as it went out, kept with the attempt for the console. A message
 * is kept up to this many bytes of its text: enough for any chat platform's largest message
 * (Slack's 50 blocks, a Teams card's 28 KB, a mail's text part), while a destination that takes
 * megabytes (a webhook of a 10,000-alert group) does not make every attempt weigh as much.
 */
export const MAX_SENT_MESSAGE_BYTES = 64 * 1024;

export interface SentMessage {
  readonly contentType: string;
  /** The body as text: JSON indented for reading, or the text itself. Cut at `MAX_SENT_MESSAGE_BYTES`. */
  readonly body: string;
  /** Set when the body was cut: how many bytes the whole was. */
  readonly truncatedFromBytes?: number;
}

/** The message as stored: its body as text, cut on a character boundary past the bound. */
export function sentMessage(contentType: string, body: unknown): SentMessage {
  const text = typeof body === 'string' ? body : (JSON.stringify(body, null, 2) ?? String(body));
  const bytes = Buffer.byteLength(text);
  if (bytes <= MAX_SENT_MESSAGE_BYTES) return { contentType, body: text };
  // A cut inside a multi-byte character leaves a replacement character; it is dropped.
  const cut = Buffer.from(text)
    .subarray(0, MAX_SENT_MESSAGE_BYTES)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return { contentType, body: cut, truncatedFromBytes: bytes };
}
