import { createServer as createHttpsServer } from 'node:https';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a stand-in received. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The body as it arrived, for binary uploads. */
  readonly raw: Buffer;
  /** Epoch milliseconds at arrival. */
  readonly at: number;
}

export interface StandInAnswer {
  readonly status: number;
  readonly body?: string | object;
  readonly headers?: Record<string, string>;
  /** Wait this long before answering (a slow upstream). */
  readonly delayMs?: number;
}

export type StandInHandler = (request: RecordedRequest) => StandInAnswer | Promise<StandInAnswer>;

export interface HttpStandIn {
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** Replaces how the stand-in answers from now on. */
  respondWith(handler: StandInHandler): void;
  /** Resolves once `count` requests have arrived, or rejects after `timeoutMs`. */
  waitForRequests(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

/**
 * A local HTTP server standing in for an upstream (Slack, PagerDuty, Kubernetes, Prometheus): it
 * records every request and answers through a handler the test sets. Listens on 127.0.0.1 only.
 */
export async function startHttpStandIn(
  handler: StandInHandler = () => ({ status: 200, body: 'ok' }),
  options: { readonly tls?: { readonly key: Buffer; readonly cert: Buffer } } = {},
): Promise<HttpStandIn> {
  let current = handler;
  const requests: RecordedRequest[] = [];
  const waiters: Array<() => void> = [];
  const sockets = new Set<import('node:net').Socket>();

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        raw: Buffer.concat(chunks),
        at: Date.now(),
      };
      requests.push(recorded);
      for (const wake of waiters.splice(0)) wake();
      void Promise.resolve(current(recorded)).then(async (answer) => {
        if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
        if (res.destroyed) return;
        const isText = typeof answer.body === 'string' || answer.body === undefined;
        res.writeHead(answer.status, {
          'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json',
          ...answer.headers,
        });
        res.end(isText ? ((answer.body as string | undefined) ?? '') : JSON.stringify(answer.body));
      });
    });
  };
  const server: Server = options.tls ? createHttpsServer(options.tls, onRequest) : createServer(onRequest);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    respondWith(next) {
      current = next;
    },
    async waitForRequests(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${count} requests, got ${requests.length} within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 250));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return requests.slice(0, count);
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A request's body as a JSON object, when it says it is JSON and is one (what a JSON API reads). */
export function jsonObjectBody(request: RecordedRequest): Record<string, unknown> | undefined {
  if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) return undefined;
  try {
    const body: unknown = JSON.parse(request.body);
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
