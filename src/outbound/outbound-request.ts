import type { Agent } from 'node:https';
import type { Readable } from 'node:stream';
import axios from 'axios';
import { formatBytes, OutboundError } from './outbound-error.js';
import { BodyTooLargeError, readCapped } from './read-capped.js';

/** What an action's destination may answer at most: Slack says `ok`, PagerDuty a line of JSON. */
export const ACTION_RESPONSE_LIMIT = 1024 * 1024;

export interface OutboundRequest {
  readonly url: string;
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as it is: axios trims a string it takes for JSON, and a forwarded body must go out byte for byte. */
  readonly body?: string | URLSearchParams | Buffer;
  /** Names the destination in errors ("Prometheus", "webhook orders"); never the URL, which may hold a secret. */
  readonly destination: string;
  /** The whole exchange, connecting to the last byte of the answer; not an idle timeout. */
  readonly timeoutMs: number;
  /** The answer's body is read up to this many bytes (after decompression); past it the request fails. */
  readonly maxResponseBytes: number;
  /** Aborts the request itself (an enricher's deadline, a delivery attempt's end, shutdown). */
  readonly signal?: AbortSignal;
  /** Redirects followed; 0 (the default) treats a 3xx as the answer. */
  readonly maxRedirects?: number;
  readonly httpsAgent?: Agent;
}

export interface OutboundResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
  readonly bytes: number;
}

/**
 * The one way alertpipe calls out over HTTP (Prometheus, Slack, PagerDuty, Kubernetes, webhooks).
 * Every call gets a deadline over the whole exchange, a cap on the answer's size enforced while it
 * streams in (a 200 MB answer costs at most the cap, never 200 MB of heap), and the caller's
 * signal, which aborts the socket rather than merely stopping the wait. The status is returned,
 * never thrown: each client reads it under its own policy. Failures before an answer was read are
 * `OutboundError`s whose message carries no URL.
 */
export async function outboundRequest(request: OutboundRequest): Promise<OutboundResponse> {
  const { destination, timeoutMs, maxResponseBytes, signal } = request;
  if (signal?.aborted) throw cancelled(destination, signal.reason);
  // A timer of our own (held by this frame until it settles) rather than AbortSignal.timeout,
  // whose signal the garbage collector may take before it fires.
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new OutboundError('timeout', `${destination} did not answer within ${timeoutMs} ms`)),
    timeoutMs,
  );
  const onCallerAbort = (): void => controller.abort(cancelled(destination, signal?.reason));
  signal?.addEventListener('abort', onCallerAbort, { once: true });
  let status: number | undefined;
  try {
    const response = await axios.request<Readable>({
      url: request.url,
      method: request.method ?? 'GET',
      ...(request.body === undefined ? {} : { data: request.body }),
      transformRequest: [(data: unknown) => data],
      headers: { ...request.headers },
      signal: controller.signal,
      maxRedirects: request.maxRedirects ?? 0,
      responseType: 'stream',
      validateStatus: () => true,
      ...(request.httpsAgent ? { httpsAgent: request.httpsAgent } : {}),
    });
    status = response.status;
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxResponseBytes) {
      response.data.destroy();
      throw new BodyTooLargeError(maxResponseBytes);
    }
    const { text, bytes } = await readCapped(response.data, maxResponseBytes, controller.signal);
    return { status: response.status, headers: flatHeaders(response.headers), body: text, bytes };
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      throw new OutboundError('too-large', `${destination} answer larger than ${formatBytes(maxResponseBytes)}`, {
        ...(status === undefined ? {} : { status }),
      });
    }
    const reason: unknown = controller.signal.aborted ? controller.signal.reason : undefined;
    if (reason instanceof OutboundError) throw reason;
    throw new OutboundError('unreachable', `${destination} unreachable: ${networkCode(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onCallerAbort);
  }
}

function cancelled(destination: string, reason: unknown): OutboundError {
  const why = reason instanceof Error ? reason.message : 'cancelled';
  return new OutboundError('cancelled', `request to ${destination} cancelled: ${why}`, { cause: reason });
}

// axios's messages can carry the URL; the code says what happened without it.
function networkCode(error: unknown): string {
  if (axios.isAxiosError(error)) return error.code ?? 'request failed';
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'request failed';
}

function flatHeaders(headers: Record<string, unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value === undefined || value === null ? undefined : String(value);
  }
  return out;
}
