import { VERSION } from '../../lib/version.js';
import { httpPost } from '../http-post.js';

/** Opsgenie's API in the US; an EU account sets `api_url: https://api.eu.opsgenie.com/`. */
export const OPSGENIE_API_URL = 'https://api.opsgenie.com/';

export interface OpsgenieRequestOptions {
  readonly apiKey: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

/** The alert actions alertpipe takes on an alert it created, found again by its alias. */
export type OpsgenieAliasAction = 'close' | 'acknowledge' | 'message' | 'description';

/**
 * The Alert API v2 over the shared HTTP layer: `Authorization: GenieKey <key>` on every request,
 * JSON both ways. Opsgenie takes alert requests asynchronously and answers 202 `{result, took,
 * requestId}` once the request is valid; the request id is kept in the history, as Opsgenie's
 * own logs name it. 401, 403 and 422 (`{message, errors?, took, requestId}`) are final; 429 is
 * retried after the period its `X-RateLimit-Period-In-Sec` names, 5xx with backoff.
 */
export class OpsgenieClient {
  private readonly base: string;

  constructor(apiUrl: string) {
    // Alertmanager appends `v2/alerts` to `api_url`; both `https://api.opsgenie.com` and `…com/` work here.
    this.base = apiUrl.replace(/\/+$/, '');
  }

  /** `POST /v2/alerts`: a new alert, or, for an alias already open, one more occurrence of it. */
  create(body: unknown, options: OpsgenieRequestOptions): Promise<string> {
    return this.send('POST', `${this.base}/v2/alerts`, body, options);
  }

  /** `close` and `acknowledge` are POSTs; the `message` and `description` updates are PUTs. */
  onAlias(action: OpsgenieAliasAction, alias: string, body: unknown, options: OpsgenieRequestOptions): Promise<string> {
    const method = action === 'message' || action === 'description' ? 'PUT' : 'POST';
    return this.send(method, `${this.base}/v2/alerts/${encodeURIComponent(alias)}/${action}?identifierType=alias`, body, options);
  }

  private async send(method: 'POST' | 'PUT', url: string, body: unknown, options: OpsgenieRequestOptions): Promise<string> {
    const answer = await httpPost(url, JSON.stringify(body), {
      destination: 'Opsgenie',
      method,
      headers: { Authorization: `GenieKey ${options.apiKey}`, 'User-Agent': `alertpipe/${VERSION}` },
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      retryHint: throttledFor,
    });
    return requestIdOf(answer.body);
  }
}

/**
 * Opsgenie's throttled answer sends no Retry-After: it says which window it counted, a second or
 * a minute (`X-RateLimit-Period-In-Sec`), and waiting that long is waiting enough.
 */
export function throttledFor(headers: Readonly<Record<string, string | undefined>>): number | undefined {
  if (headers['x-ratelimit-state']?.toUpperCase() !== 'THROTTLED') return undefined;
  const seconds = Number(headers['x-ratelimit-period-in-sec']);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

function requestIdOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { requestId?: unknown };
    return typeof parsed.requestId === 'string' ? parsed.requestId : '';
  } catch {
    return '';
  }
}
