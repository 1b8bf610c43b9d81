import { afterEach, describe, expect, it } from 'vitest';
import { createAlertmanagerClient } from '../../../src/alertmanager/alertmanager-client.js';
import { createPrometheusClient } from '../../../src/prometheus/prometheus-client.js';
import { createRelatedAlertsEnricher } from '../../../src/enrichers/related-alerts/related-alerts-enricher.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { enrichNotification } from '../../../src/pipeline/enrich-chain.js';
import type { EnrichedAlert } from '../../../src/model/model.js';
import { alertWith, notificationOf } from '../../support/alerts.js';
import { startHttpStandIn, type HttpStandIn, type StandInAnswer } from '../../support/http-stand-in.js';

const alert = alertWith({ alertname: 'KubePodCrashLooping', namespace: 'shop', pod: 'cart-1' });
// Prometheus's answers, as its HTTP API documents them.
const PROMETHEUS_ALERTS = {
  status: 'success',
  data: {
    alerts: [
      {
        labels: { alertname: 'KubeContainerOOMKilled', namespace: 'shop', pod: 'cart-1' },
        annotations: {},
        state: 'firing',
        activeAt: '2026-11-22T12:00:00Z',
        value: '1e+00',
      },
      {
        labels: { alertname: 'PodMemoryHigh', namespace: 'shop', pod: 'search-1' },
        annotations: {},
        state: 'pending',
        activeAt: '2026-11-22T12:00:00Z',
        value: '1e+00',
      },
    ],
  },
};
const NO_PODS = { status: 'success', data: { resultType: 'vector', result: [] } };

describe('related-alerts when an upstream fails', () => {
  const standIns: HttpStandIn[] = [];
  afterEach(async () => {
    await Promise.all(standIns.splice(0).map((s) => s.close()));
  });

  async function enrichWith(prometheusAnswer: (url: string) => StandInAnswer, alertmanagerAnswer?: StandInAnswer): Promise<EnrichedAlert> {
    const prometheus = await startHttpStandIn((request) => prometheusAnswer(request.url));
    standIns.push(prometheus);
    let alertmanagerUrl: string | undefined;
    if (alertmanagerAnswer) {
      const am = await startHttpStandIn(() => alertmanagerAnswer);
      standIns.push(am);
      alertmanagerUrl = am.url;
    }
    const metrics = createMetrics({ defaultMetrics: false });
    const client = createPrometheusClient({ url: prometheus.url, timeoutMs: 2000, cacheTtlMs: 0, metrics });
    const enricher = createRelatedAlertsEnricher(
      alertmanagerUrl
        ? { alertmanager: createAlertmanagerClient({ url: alertmanagerUrl, timeoutMs: 2000, maxResponseBytes: 64 * 1024 }) }
        : {},
    );
    const result = await enrichNotification(notificationOf([alert]), [{ enricher, timeoutMs: 5000 }], {
      prometheus: client,
      logger: createSilentLogger(),
      metrics,
    });
    return result.alerts[0] as EnrichedAlert;
  }

  const prometheusOk = (url: string): StandInAnswer => ({
    status: 200,
    body: url.startsWith('/api/v1/alerts') ? PROMETHEUS_ALERTS : NO_PODS,
  });

  it('counts firing alerts only, from Prometheus alone when no Alertmanager is configured', async () => {
    const enriched = await enrichWith(prometheusOk);
    expect(enriched.enrichment['related-alerts']?.fields).toEqual([{ label: 'Also firing on the pod', value: 'KubeContainerOOMKilled' }]);
    expect(enriched.notes).toEqual([]);
  });

  it('falls back to Prometheus with a note when Alertmanager answers 500', async () => {
    const enriched = await enrichWith(prometheusOk, { status: 500, body: 'internal error' });
    expect(enriched.enrichment['related-alerts']?.fields[0]?.value).toBe('KubeContainerOOMKilled');
    expect(enriched.notes).toEqual(['related-alerts: Alertmanager answered HTTP 500']);
  });

  it('falls back with a note when Alertmanager answers more than its size cap', async () => {
    const huge = Array.from({ length: 2000 }, (_, i) => ({
      labels: { alertname: `A${i}`, namespace: 'x' },
      status: { state: 'active', silencedBy: [], inhibitedBy: [] },
    }));
    const enriched = await enrichWith(prometheusOk, { status: 200, body: huge });
    expect(enriched.notes).toEqual(['related-alerts: Alertmanager answer larger than 64 KiB']);
  });

  it("uses Alertmanager's list when Prometheus's alerts API fails, and says so", async () => {
    const managed = [
      {
        fingerprint: 'f1',
        labels: { alertname: 'KubeContainerOOMKilled', namespace: 'shop', pod: 'cart-1' },
        status: { state: 'suppressed', silencedBy: ['s1'], inhibitedBy: [] },
      },
    ];
    const enriched = await enrichWith(
      (url) => (url.startsWith('/api/v1/alerts') ? { status: 503, body: 'unavailable' } : prometheusOk(url)),
      { status: 200, body: managed },
    );
    expect(enriched.enrichment['related-alerts']?.fields).toEqual([
      { label: 'Also firing on the pod', value: 'KubeContainerOOMKilled (1 silenced)' },
    ]);
    expect(enriched.notes).toEqual(['related-alerts: Prometheus answered HTTP 503 without a result']);
  });

  it('becomes a note, not a crash, when neither answers', async () => {
    const enriched = await enrichWith(() => ({ status: 200, body: 'not json' }), { status: 200, body: '{"not":"a list"}' });
    expect(enriched.enrichment['related-alerts']).toBeUndefined();
    expect(enriched.notes).toEqual([
      'related-alerts: Prometheus answered HTTP 200 without a result; Alertmanager answered with no alerts list',
    ]);
  });
});
