import { startHttpStandIn } from './http-stand-in.js';

export interface PinnedPrometheusProxy {
  readonly url: string;
  /** Evaluates every instant query at this time (epoch seconds) from now on, as Prometheus's `time` parameter does. */
  pin(atSeconds: number): void;
  /** Queries (`/api/v1/query` and `/api/v1/query_range`) received since the last reset. */
  queries(): number;
  resetCount(): void;
  close(): Promise<void>;
}

/**
 * A loopback proxy in front of a real Prometheus that counts the queries it passes and can pin
 * their evaluation time, so that two runs of the same enrichment a second apart read the same
 * data. The answer is Prometheus's own, status and body unchanged.
 */
export async function startPinnedPrometheusProxy(upstream: string): Promise<PinnedPrometheusProxy> {
  let pinned: number | undefined;
  let counted = 0;
  const standIn = await startHttpStandIn(async (request) => {
    const path = request.url.split('?')[0] ?? '';
    if (path === '/api/v1/query' || path === '/api/v1/query_range') counted++;
    const form = new URLSearchParams(request.body);
    if (path === '/api/v1/query' && pinned !== undefined) form.set('time', String(pinned));
    const response = await fetch(`${upstream}${request.url}`, {
      method: request.method,
      ...(request.method === 'POST' ? { body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}),
    });
    return { status: response.status, body: await response.text(), headers: { 'content-type': 'application/json' } };
  });
  return {
    url: standIn.url,
    pin(atSeconds) {
      pinned = atSeconds;
    },
    queries: () => counted,
    resetCount() {
      counted = 0;
    },
    close: () => standIn.close(),
  };
}
