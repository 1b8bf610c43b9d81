import { afterEach, describe, expect, it } from 'vitest';
import { createPrometheusClient } from '../../../src/prometheus/prometheus-client.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { startHttpStandIn, type HttpStandIn } from '../../support/http-stand-in.js';

let standIn: HttpStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

const empty = { status: 200, body: { status: 'success', data: { resultType: 'vector', result: [] } } };

describe('the Prometheus client and compression', () => {
  it('asks Prometheus for answers as they are: inflating each one cost more CPU than it saved', async () => {
    standIn = await startHttpStandIn(() => empty);
    const client = createPrometheusClient({
      url: standIn.url,
      timeoutMs: 5_000,
      cacheTtlMs: 0,
      metrics: createMetrics({ defaultMetrics: false }),
    });
    await client.query('up', AbortSignal.timeout(5_000));
    expect(standIn.requests[0]!.headers['accept-encoding']).toBe('identity');
  });

  it('still asks for compression when the config sets Accept-Encoding', async () => {
    standIn = await startHttpStandIn(() => empty);
    const client = createPrometheusClient({
      url: standIn.url,
      timeoutMs: 5_000,
      cacheTtlMs: 0,
      headers: { 'Accept-Encoding': 'gzip' },
      metrics: createMetrics({ defaultMetrics: false }),
    });
    await client.query('up', AbortSignal.timeout(5_000));
    expect(standIn.requests[0]!.headers['accept-encoding']).toBe('gzip');
  });
});
