import type { Readable } from 'node:stream';

/** Thrown inside the read when the body passes its cap; the caller turns it into its own error. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`body larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads a response stream into text, never holding more than `limit` bytes: past it the stream is
 * destroyed (the socket closes, the sender stops) and `BodyTooLargeError` is thrown. Aborting
 * `signal` destroys the stream too, so a body that trickles in forever ends at the deadline.
 */
export async function readCapped(stream: Readable, limit: number, signal: AbortSignal): Promise<{ text: string; bytes: number }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  const onAbort = (): void => {
    stream.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      bytes += buffer.length;
      if (bytes > limit) {
        stream.destroy();
        throw new BodyTooLargeError(limit);
      }
      chunks.push(buffer);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return { text: Buffer.concat(chunks, bytes).toString('utf8'), bytes };
}
