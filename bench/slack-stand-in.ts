import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkBlocks } from '../test/support/fake-slack.js';

/** What the storm's Slack saw: when each storm group first appeared in a message. */
export interface SlackStandIn {
  readonly url: string;
  /** Storm group number → performance.now() of its first message. */
  readonly receivedAt: Map<number, number>;
  messages(): number;
  /** Requests answered 429 (past a webhook's rate). */
  rateLimited(): number;
  reset(): void;
  close(): Promise<void>;
}

const PER_SECOND = 1;
const BURST = 5;

/**
 * Slack's incoming webhooks as the storm meets them: a message needs `text`, `blocks` or
 * `attachments` (Alertmanager's `slack_configs` sends attachments only), blocks within Block Kit's
 * limits, and each webhook takes about one message a second after a short burst, answering 429
 * with `Retry-After` beyond it, as Slack documents.
 */
export async function startSlackStandIn(): Promise<SlackStandIn> {
  const receivedAt = new Map<number, number>();
  const buckets = new Map<string, { tokens: number; at: number }>();
  let messages = 0;
  let limited = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const now = performance.now();
      const answer = (status: number, body: string, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(body);
      };
      if (req.method !== 'POST') return answer(405, 'invalid_method');
      const bucket = buckets.get(req.url ?? '') ?? { tokens: BURST, at: now };
      bucket.tokens = Math.min(BURST, bucket.tokens + ((now - bucket.at) / 1000) * PER_SECOND);
      bucket.at = now;
      buckets.set(req.url ?? '', bucket);
      if (bucket.tokens < 1) {
        limited++;
        return answer(429, 'rate_limited', { 'retry-after': '1' });
      }
      bucket.tokens -= 1;
      const text = Buffer.concat(chunks).toString('utf8');
      let payload: { text?: unknown; blocks?: unknown; attachments?: unknown };
      try {
        payload = JSON.parse(text) as typeof payload;
      } catch {
        return answer(400, 'invalid_payload');
      }
      if (typeof payload.text !== 'string' && !Array.isArray(payload.blocks) && !Array.isArray(payload.attachments))
        return answer(400, 'no_text');
      if (Array.isArray(payload.blocks) && checkBlocks(payload.blocks) !== undefined) return answer(400, 'invalid_blocks');
      messages++;
      for (const match of text.matchAll(/storm-g(\d+)/g)) {
        const group = Number(match[1]);
        if (!receivedAt.has(group)) receivedAt.set(group, now);
      }
      answer(200, 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    receivedAt,
    messages: () => messages,
    rateLimited: () => limited,
    reset() {
      receivedAt.clear();
      buckets.clear();
      messages = 0;
      limited = 0;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
