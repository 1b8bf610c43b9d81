import type { Readable } from 'node:stream';
import type { Logger } from '../../observability/logger.js';

// A command may print anything, of any size, with or without newlines: what is kept is fixed.
// The first lines go to the log as they come (each cut at MAX_LINE_BYTES, up to HEAD_BYTES and
// MAX_LINES in all); past that only the last TAIL_BYTES are kept, logged when the stream ends;
// everything between is counted, never held. Nothing here grows with the output.
const HEAD_BYTES = 16 * 1024;
const MAX_LINES = 200;
const MAX_LINE_BYTES = 2000;
const TAIL_BYTES = 4 * 1024;

/** What one stream of a command printed, as far as it was kept. */
export interface StreamSummary {
  readonly bytes: number;
  /** Bytes neither logged at the start nor kept as the tail. */
  readonly droppedBytes: number;
}

/**
 * Sends one stream of a command to the log, bounded (see above); resolves with its summary once
 * the stream ends or is destroyed.
 */
export function captureStream(stream: Readable, name: 'stdout' | 'stderr', logger: Logger): Promise<StreamSummary> {
  let bytes = 0;
  let headBytes = 0;
  let lines = 0;
  let pending: Buffer = Buffer.alloc(0);
  const tail: Buffer[] = [];
  let tailBytes = 0;
  let droppedBytes = 0;

  const logLine = (line: Buffer): void => {
    lines++;
    headBytes += line.length;
    logger.info('command output', { stream: name, line: line.toString('utf8') });
  };
  const headOpen = (): boolean => headBytes < HEAD_BYTES && lines < MAX_LINES;
  const keepTail = (chunk: Buffer): void => {
    tail.push(chunk);
    tailBytes += chunk.length;
    while (tailBytes - (tail[0]?.length ?? 0) >= TAIL_BYTES) {
      const first = tail.shift() as Buffer;
      tailBytes -= first.length;
      droppedBytes += first.length;
    }
  };

  stream.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    let rest = chunk;
    while (rest.length > 0 && headOpen()) {
      const newline = rest.indexOf(0x0a);
      const room = Math.min(MAX_LINE_BYTES, HEAD_BYTES - headBytes) - pending.length;
      if (newline !== -1 && newline <= room) {
        logLine(Buffer.concat([pending, rest.subarray(0, newline)]));
        headBytes++;
        pending = Buffer.alloc(0);
        rest = rest.subarray(newline + 1);
      } else if (rest.length >= room) {
        // A line longer than the cut: its first part is logged as a line of its own.
        logLine(Buffer.concat([pending, rest.subarray(0, room)]));
        pending = Buffer.alloc(0);
        rest = rest.subarray(room);
      } else {
        pending = Buffer.concat([pending, rest]);
        rest = rest.subarray(rest.length);
      }
    }
    if (rest.length > 0) keepTail(rest);
  });

  return new Promise<StreamSummary>((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      if (pending.length > 0) logLine(pending);
      // Only the tail's last TAIL_BYTES are kept: the oldest chunk may reach further back.
      const kept = Buffer.concat(tail).subarray(-TAIL_BYTES);
      droppedBytes += tailBytes - kept.length;
      if (droppedBytes > 0) logger.warn('command output truncated', { stream: name, bytes, droppedBytes });
      if (kept.length > 0) logger.info('command output (end)', { stream: name, output: kept.toString('utf8') });
      resolve({ bytes, droppedBytes });
    };
    stream.once('end', finish);
    stream.once('close', finish);
    stream.once('error', finish);
  });
}
