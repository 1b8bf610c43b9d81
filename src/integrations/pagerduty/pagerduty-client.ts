import { VERSION } from '../../lib/version.js';
import { ActionError } from '../action-error.js';
import { httpPost } from '../http-post.js';
import type { PagerDutyEvent } from './pagerduty-event.js';

/** PagerDuty's Events API v2 endpoint; `url` (or PAGERDUTY_EVENTS_URL) points elsewhere for proxies and tests. */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

export interface SentEvent {
  readonly dedupKey: string;
  readonly status: number;
}

/**
 * Sends one event. This is all the Events API needs; a client of our own instead of a package
 * because `node-pagerduty` is deprecated and built on the deprecated `request`, and
 * `@pagerduty/pdjs` neither aborts a request on its timeout nor leaves retries to the caller.
 * Answers follow the shared HTTP policy (http-post.ts): 202 is success; 429 (throttled), 5xx and
 * network errors are retried by delivery; 400 (invalid event) and any other 4xx are not.
 */
export async function sendPagerDutyEvent(
  url: string,
  event: PagerDutyEvent,
  options: { readonly timeoutMs: number; readonly signal: AbortSignal },
): Promise<SentEvent> {
  const answer = await httpPost(url, JSON.stringify(event), {
    destination: 'PagerDuty',
    headers: { 'User-Agent': `alertpipe/${VERSION}` },
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
  let body: { status?: unknown; dedup_key?: unknown };
  try {
    body = JSON.parse(answer.body) as typeof body;
  } catch {
    // A 2xx that is not the Events API's JSON means something in between (a proxy, a captive
    // portal) answered: the event may not have arrived.
    throw new ActionError(`PagerDuty answered ${answer.status} with a body that is not the Events API's JSON`, {
      retryable: true,
      status: answer.status,
    });
  }
  const dedupKey = typeof body.dedup_key === 'string' ? body.dedup_key : event.dedup_key;
  return { dedupKey, status: answer.status };
}
