import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app/create-app.js';
import { QueueFullError } from '../../../src/store/ports/errors.js';
import { MemoryStore } from '../../../src/store/memory/memory-store.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { createChartRenderer } from '../../../src/charts/render-chart-png.js';

async function answerOf(accept: () => Promise<never>): Promise<Response> {
  const app = createApp({
    accept,
    logger: createSilentLogger(),
    metrics: createMetrics({ defaultMetrics: false }),
    readiness: {},
    bodyLimit: 1024,
    auth: undefined,
    store: new MemoryStore({ maxPending: 1, historyLimit: 1 }),
    mask: (text) => text,
    charts: createChartRenderer(),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  try {
    return await fetch(`http://127.0.0.1:${port}/alert`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  } finally {
    server.close();
  }
}

describe('error middleware', () => {
  it('answers 503 with Retry-After when the queue is full, so Alertmanager retries later', async () => {
    const response = await answerOf(async () => {
      throw new QueueFullError(10, 5);
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(((await response.json()) as { error: string }).error).toContain('delivery.max_pending');
  });

  it('answers 500 without details for an unexpected failure', async () => {
    const response = await answerOf(async () => {
      throw new TypeError('secret internals');
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ status: 'error', error: 'internal error' });
  });
});
