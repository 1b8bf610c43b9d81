import { afterEach, describe, expect, it } from 'vitest';
import { createPodResourcesEnricher } from '../../../src/enrichers/pod-resources/pod-resources-enricher.js';
import { createPrometheusClient } from '../../../src/prometheus/prometheus-client.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { enrichNotification } from '../../../src/pipeline/enrich-chain.js';
import { alertWith, notificationOf } from '../../support/alerts.js';
import { startStreamingStandIn, type StreamingStandIn } from '../../support/streaming-stand-in.js';

const MiB = 1024 * 1024;
let standIn: StreamingStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

const notification = notificationOf([alertWith({ alertname: 'KubePodCrashLooping', namespace: 'shop', pod: 'cart-1' })]);

function enrich(url: string, options: { clientTimeoutMs: number; enricherTimeoutMs: number; maxResponseBytes?: number }) {
  const prometheus = createPrometheusClient({
    url,
    timeoutMs: options.clientTimeoutMs,
    cacheTtlMs: 10_000,
    metrics: createMetrics({ defaultMetrics: false }),
    ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
  });
  return enrichNotification(notification, [{ enricher: createPodResourcesEnricher(), timeoutMs: options.enricherTimeoutMs }], {
    prometheus,
    logger: createSilentLogger(),
    metrics: createMetrics({ defaultMetrics: false }),
  });
}

describe('Prometheus answers too large to hold', () => {
  it('turns a 200 MB answer into a note naming the limit, reading no more than the limit', async () => {
    standIn = await startStreamingStandIn({ totalBytes: 200 * MiB });
    const result = await enrich(standIn.url, { clientTimeoutMs: 30_000, enricherTimeoutMs: 30_000 });
    expect(result.alerts[0]!.notes).toEqual(['pod-resources: Prometheus answer larger than 10 MiB (prometheus.max_response_size)']);
    await Promise.all(standIn.answers.map((a) => a.finished));
    // Both queries were asked, and each was cut off rather than read to its end.
    expect(standIn.answers).toHaveLength(2);
    for (const answer of standIn.answers) expect(answer.closedEarly).toBe(true);
  });

  it('takes the limit from the config', async () => {
    standIn = await startStreamingStandIn({ totalBytes: 5 * MiB });
    const result = await enrich(standIn.url, { clientTimeoutMs: 30_000, enricherTimeoutMs: 30_000, maxResponseBytes: MiB });
    expect(result.alerts[0]!.notes).toEqual(['pod-resources: Prometheus answer larger than 1 MiB (prometheus.max_response_size)']);
  });

  it("closes Prometheus's requests when the enricher's deadline passes, not only stops waiting", async () => {
    // A trickle under the size cap that would take hours; the client's own timeout is far away.
    standIn = await startStreamingStandIn({ totalBytes: 9 * MiB, chunkBytes: 64, chunkDelayMs: 50 });
    const result = await enrich(standIn.url, { clientTimeoutMs: 600_000, enricherTimeoutMs: 300 });
    expect(result.alerts[0]!.notes).toEqual(['pod-resources: no answer within 300 ms']);
    const closed = Promise.all(standIn.answers.map((a) => a.finished));
    // Without real cancellation the requests run on for hours; 10 s is a generous bound.
    const bound = new Promise((_, reject) => setTimeout(() => reject(new Error('requests still open 10 s after the deadline')), 10_000));
    await Promise.race([closed, bound]);
    for (const answer of standIn.answers) expect(answer.closedEarly).toBe(true);
  });
});
