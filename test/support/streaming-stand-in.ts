import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How one request to the streaming stand-in went. */
export interface StreamedAnswer {
  readonly path: string;
  /** Bytes written before the answer ended or the client went away. */
  bytesSent: number;
  /** True once the client closed the connection before the whole answer was sent. */
  closedEarly: boolean;
  /** Resolves when the exchange is over, either way. */
  readonly finished: Promise<void>;
}

export interface StreamingStandIn {
  readonly url: string;
  readonly answers: StreamedAnswer[];
  close(): Promise<void>;
}

export interface StreamingOptions {
  /** Bytes of answer to send (generated on the fly, never held). */
  readonly totalBytes: number;
  readonly status?: number;
  /** Pause between chunks: a trickle that never goes idle long enough for a socket timeout. */
  readonly chunkDelayMs?: number;
  readonly chunkBytes?: number;
}

// One series of an instant-query answer, as Prometheus writes it; repeated to fill the answer.
const SERIES =
  '{"metric":{"__name__":"container_cpu_usage_seconds_total","namespace":"shop","pod":"cart-7d9f8b6c5-x2x9z","container":"cart"},"value":[1700000000,"0.42"]},';
const HEAD = '{"status":"success","data":{"resultType":"vector","result":[';
const TAIL = '{"metric":{},"value":[1700000000,"0"]}]}}';

/**
 * A Prometheus (or any upstream) that answers with a huge JSON body generated as it is sent, with
 * no Content-Length (chunked, as Prometheus streams a large result), minding backpressure so the
 * stand-in itself stays small. It records how much it sent and whether the client hung up first.
 */
export async function startStreamingStandIn(options: StreamingOptions): Promise<StreamingStandIn> {
  const answers: StreamedAnswer[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      let done!: () => void;
      const answer: StreamedAnswer = {
        path: req.url ?? '/',
        bytesSent: 0,
        closedEarly: false,
        finished: new Promise((resolve) => (done = resolve)),
      };
      answers.push(answer);
      res.on('close', () => {
        if (!res.writableFinished) answer.closedEarly = true;
        done();
      });
      res.writeHead(options.status ?? 200, { 'content-type': 'application/json' });
      void pump(res, answer, options);
    });
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answers,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function pump(res: ServerResponse, answer: StreamedAnswer, options: StreamingOptions): Promise<void> {
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  const chunk = chunkBytes >= SERIES.length ? SERIES.repeat(Math.floor(chunkBytes / SERIES.length)) : SERIES.slice(0, chunkBytes);
  const write = (text: string): Promise<void> | undefined => {
    answer.bytesSent += Buffer.byteLength(text);
    if (res.write(text)) return undefined;
    return new Promise((resolve) => {
      const go = (): void => {
        res.off('drain', go);
        res.off('close', go);
        resolve();
      };
      res.on('drain', go);
      res.on('close', go);
    });
  };
  await write(HEAD);
  while (answer.bytesSent + chunk.length + TAIL.length < options.totalBytes && !res.destroyed) {
    await write(chunk);
    if (options.chunkDelayMs) await new Promise((resolve) => setTimeout(resolve, options.chunkDelayMs));
  }
  if (res.destroyed) return;
  answer.bytesSent += TAIL.length;
  res.end(TAIL);
}
