import type { FetchFunction } from '@slack/web-api';

type FetchResponse = Awaited<ReturnType<FetchFunction>>;
import { ACTION_RESPONSE_LIMIT, outboundRequest } from '../../outbound/outbound-request.js';

/**
 * The `fetch` that `@slack/web-api` calls, made of the shared outbound layer: the attempt's signal
 * aborts the socket (the client's own `timeout` only starts a timer of its own per request), the
 * whole exchange has a deadline, and Slack's answer is read up to a cap. The client POSTs
 * form-encoded bodies; nothing here uploads files.
 */
export function slackFetch(options: { readonly timeoutMs: number; readonly signal?: AbortSignal }): FetchFunction {
  return async (url, init) => {
    if (init?.body !== undefined && typeof init.body !== 'string') throw new Error('file uploads are not supported');
    const answer = await outboundRequest({
      url: String(url),
      method: 'POST',
      headers: init?.headers ?? {},
      ...(init?.body === undefined ? {} : { body: init.body }),
      destination: 'Slack',
      timeoutMs: options.timeoutMs,
      maxResponseBytes: ACTION_RESPONSE_LIMIT,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const headers = Object.entries(answer.headers).filter((entry): entry is [string, string] => entry[1] !== undefined);
    const response: FetchResponse = {
      ok: answer.status >= 200 && answer.status < 300,
      status: answer.status,
      statusText: '',
      url: String(url),
      headers: { get: (name: string) => answer.headers[name.toLowerCase()] ?? null, entries: () => headers },
      arrayBuffer: async () => new TextEncoder().encode(answer.body).buffer as ArrayBuffer,
      json: async () => JSON.parse(answer.body) as unknown,
      text: async () => answer.body,
    };
    return response;
  };
}
