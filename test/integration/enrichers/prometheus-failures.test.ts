import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPodResourcesEnricher } from '../../../src/enrichers/pod-resources/pod-resources-enricher.js';
import { createPrometheusClient } from '../../../src/prometheus/prometheus-client.js';
import { PrometheusError } from '../../../src/prometheus/prometheus-error.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { enrichNotification } from '../../../src/pipeline/enrich-chain.js';
import { freePort } from '../../support/child-service.js';
import { alertWith, notificationOf } from '../../support/alerts.js';
import { startHttpStandIn, type HttpStandIn } from '../../support/http-stand-in.js';

let standIn: HttpStandIn;
beforeAll(async () => {
  standIn = await startHttpStandIn();
});
afterAll(() => standIn.close());

const metrics = () => createMetrics({ defaultMetrics: false });
const client = (url: string, timeoutMs = 500) => createPrometheusClient({ url, timeoutMs, cacheTtlMs: 0, metrics: metrics() });

async function failureOf(promise: Promise<unknown>): Promise<PrometheusError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PrometheusError);
    return error as PrometheusError;
  }
  throw new Error('expected a PrometheusError');
}

describe('Prometheus client failures', () => {
  it('says Prometheus is unreachable when nothing listens', async () => {
    const error = await failureOf(client(`http://127.0.0.1:${await freePort()}`).query('up'));
    expect(error.failure).toBe('unreachable');
    expect(error.message).toBe('Prometheus unreachable: ECONNREFUSED');
  });

  it('gives up on a Prometheus that hangs, at its timeout', async () => {
    standIn.respondWith(() => ({ status: 200, body: {}, delayMs: 3000 }));
    const error = await failureOf(client(standIn.url, 200).query('up'));
    expect(error.failure).toBe('timeout');
    expect(error.message).toBe('Prometheus did not answer within 200 ms');
  });

  it("passes on Prometheus's own reason for a bad query", async () => {
    standIn.respondWith(() => ({
      status: 400,
      body: { status: 'error', errorType: 'bad_data', error: '1:5: parse error: unexpected "}"' },
    }));
    const error = await failureOf(client(standIn.url).query('up}'));
    expect(error.failure).toBe('query');
    expect(error.message).toBe('Prometheus rejected the query: bad_data: 1:5: parse error: unexpected "}"');
  });

  it('reports a 503 from a proxy in front of Prometheus', async () => {
    standIn.respondWith(() => ({ status: 503, body: 'upstream connect error' }));
    const error = await failureOf(client(standIn.url).query('up'));
    expect(error.failure).toBe('http');
    expect(error.status).toBe(503);
  });

  it('sends the query as a POST form, with bearer auth', async () => {
    standIn.respondWith(() => ({
      status: 200,
      body: { status: 'success', data: { resultType: 'vector', result: [{ metric: { a: '1' }, value: [1, '0.5'] }] } },
    }));
    const c = createPrometheusClient({
      url: `${standIn.url}/prom/`,
      timeoutMs: 500,
      cacheTtlMs: 0,
      metrics: metrics(),
      bearerToken: 'tok',
    });
    expect(await c.query('sum(up{job="a b"})')).toEqual([{ labels: { a: '1' }, value: 0.5 }]);
    const request = standIn.requests.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/prom/api/v1/query');
    expect(request.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(request.headers.authorization).toBe('Bearer tok');
    expect(new URLSearchParams(request.body).get('query')).toBe('sum(up{job="a b"})');
  });

  it('turns an unreachable Prometheus into a note on the alert, and the notification goes on', async () => {
    const prometheus = client(`http://127.0.0.1:${await freePort()}`);
    const notification = notificationOf([alertWith({ alertname: 'A', namespace: 'shop', pod: 'cart-1' })]);
    const result = await enrichNotification(notification, [{ enricher: createPodResourcesEnricher(), timeoutMs: 2000 }], {
      prometheus,
      logger: createSilentLogger(),
      metrics: metrics(),
    });
    expect(result.alerts[0]!.notes).toEqual(['pod-resources: Prometheus unreachable: ECONNREFUSED']);
    expect(result.alerts[0]!.enrichment).toEqual({});
  });
});
