/** Why an outbound request produced no usable answer. */
export type OutboundFailure = 'timeout' | 'too-large' | 'unreachable' | 'cancelled';

/**
 * An outbound request that failed before its answer could be read whole. The message names the
 * destination, never its URL (a Slack webhook's URL is its credential), and is written to be shown
 * to a person as it is: it becomes an enrichment note or an attempt's error.
 */
export class OutboundError extends Error {
  /** Upstream trouble: a bad gateway, whoever asked. */
  readonly statusCode = 502;
  readonly failure: OutboundFailure;
  /** The status the destination answered before its body proved too large; absent otherwise. */
  readonly status: number | undefined;

  constructor(failure: OutboundFailure, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'OutboundError';
    this.failure = failure;
    this.status = options.status;
  }
}

/** "10 MiB", "512 KiB", "300 B": how limits read in messages and the README. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 2 && bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2} MiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} B`;
}
