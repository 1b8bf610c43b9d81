import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSlackMessage } from '../../support/slack-message.js';
import type { Enricher } from '../../../src/enrichers/enricher.js';
import { createPodResourcesEnricher } from '../../../src/enrichers/pod-resources/pod-resources-enricher.js';
import { graphDataSchema } from '../../../src/charts/graph-data.js';
import { createGraphEnricher } from '../../../src/enrichers/graph/graph-enricher.js';
import { createPrometheusClient } from '../../../src/prometheus/prometheus-client.js';
import { createRelatedAlertsEnricher } from '../../../src/enrichers/related-alerts/related-alerts-enricher.js';
import { createChartRenderer } from '../../../src/charts/render-chart-png.js';
import { chartHeight, CHART, panelScale, yOf } from '../../../src/charts/resource-chart-svg.js';
import { createRestartsEnricher } from '../../../src/enrichers/restarts/restarts-enricher.js';
import { createWorkloadEnricher } from '../../../src/enrichers/workload/workload-enricher.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { enrichNotification } from '../../../src/pipeline/enrich-chain.js';
import type { Alert, EnrichedAlert } from '../../../src/model/model.js';
import { alertWith, notificationOf } from '../../support/alerts.js';
import { binariesAvailable } from '../../support/binaries.js';
import { CRASH_LOOP_RULES, crashLoopScene } from '../../support/crash-loop-scene.js';
import { startFakeExporter, type FakeExporter } from '../../support/fake-exporter.js';
import { startPrometheus, type RealPrometheus } from '../../support/real-prometheus.js';

const tools = binariesAvailable('prometheus');

describe.skipIf(!tools.available)('on-call enrichers against a real Prometheus', () => {
  let exporter: FakeExporter;
  let prometheus: RealPrometheus;
  let crashLooping: Alert;

  beforeAll(async () => {
    exporter = await startFakeExporter(crashLoopScene());
    prometheus = await startPrometheus({ targets: [exporter.target], rules: CRASH_LOOP_RULES });
    // Enough samples for a 5 s rate and for the rollout (4 s after the first scrape) to be behind us.
    await prometheus.waitForSeries('count_over_time(container_cpu_usage_seconds_total{container="cart"}[10s]) >= 8', 1, 40_000);
    await prometheus.waitForSeries('ALERTS{alertstate="firing", alertname="KubePodCrashLooping"}', 1, 40_000);
    await prometheus.waitForSeries(
      'ALERTS{alertstate="firing", alertname=~"NodeMemoryPressure|PodMemoryHigh|KubeContainerOOMKilled"}',
      4,
      20_000,
    );
    // The alert as Prometheus itself labels it, as Alertmanager would pass it on.
    const listed = (await (await fetch(`${prometheus.url}/api/v1/alerts`)).json()) as {
      data: { alerts: { labels: Record<string, string> }[] };
    };
    const labels = listed.data.alerts.find((a) => a.labels.alertname === 'KubePodCrashLooping')?.labels;
    crashLooping = alertWith({ ...labels, cluster: 'prod' });
  }, 90_000);
  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
  });

  async function run(enricher: Enricher, alerts: Alert[]): Promise<{ alert: EnrichedAlert; requests: number }> {
    const metrics = createMetrics({ defaultMetrics: false });
    const client = createPrometheusClient({ url: prometheus.url, timeoutMs: 5000, cacheTtlMs: 0, metrics });
    const result = await enrichNotification(notificationOf(alerts), [{ enricher, timeoutMs: 10_000 }], {
      prometheus: client,
      logger: createSilentLogger(),
      metrics,
    });
    const sent = await metrics.prometheusQueries.get();
    return { alert: result.alerts[0] as EnrichedAlert, requests: sent.values.reduce((sum, v) => sum + v.value, 0) };
  }

  it('names the other alerts firing on the pod, its node and its namespace, with counts, and not the alert itself', async () => {
    const { alert, requests } = await run(createRelatedAlertsEnricher(), [crashLooping]);
    const fields = Object.fromEntries(alert.enrichment['related-alerts']!.fields.map((f) => [f.label, f.value]));
    expect(fields).toEqual({
      'Also firing on the pod': 'KubeContainerOOMKilled',
      'Also firing on the node': 'NodeMemoryPressure',
      'Also firing in the namespace': 'PodMemoryHigh',
    });
    expect(alert.notes).toEqual([]);
    expect(requests).toBe(2); // the alerts list and where the pods run
  });

  it('counts restarts in the last hour per container with the last termination reason, and throttling for CPU alerts', async () => {
    const { alert } = await run(createRestartsEnricher({ rateWindow: '5s' }), [
      alertWith({ ...crashLooping.labels, alertname: 'CPUThrottlingHigh' }),
    ]);
    const [restarts, throttled] = alert.enrichment.restarts!.fields;
    expect(restarts?.value).toMatch(/^cart ([1-9]\d*) in the last 1h, last OOMKilled \(exit 137\)$/);
    expect(throttled).toEqual({ label: 'CPU throttled', value: expect.stringMatching(/^cart (3[5-9]|4[0-5])% of periods$/) });
  });

  it('leaves throttling out for alerts that are not about CPU', async () => {
    const { alert } = await run(createRestartsEnricher({ rateWindow: '5s' }), [crashLooping]);
    expect(alert.enrichment.restarts!.fields.map((f) => f.label)).toEqual(['Restarts']);
  });

  it("follows the pod's owners to its Deployment, with its replicas and the rollout of a moment ago", async () => {
    const { alert } = await run(createWorkloadEnricher({ stepSeconds: 1 }), [crashLooping]);
    const fields = alert.enrichment.workload!.fields;
    expect(fields[0]).toEqual({ label: 'Workload', value: 'Deployment cart (ReplicaSet cart-7d9f8b6c5) · 1 of 3 available' });
    expect(fields[1]?.value).toMatch(/^rolled out 1 min ago \(generation 4 → 5\)$/);
  });

  it('says which pod has no owner series rather than guessing', async () => {
    const { alert } = await run(createWorkloadEnricher(), [alertWith({ alertname: 'X', namespace: 'shop', pod: 'gone-1' })]);
    expect(alert.notes).toEqual(['workload: no kube_pod_owner series for shop/gone-1 in Prometheus']);
  });

  it('enriches a resolved alert too, and its Slack message says what the pod is back to', async () => {
    const resolved = { ...crashLooping, status: 'resolved' as const, endsAt: new Date() };
    const metrics = createMetrics({ defaultMetrics: false });
    const client = createPrometheusClient({ url: prometheus.url, timeoutMs: 5000, cacheTtlMs: 0, metrics });
    const enricher = createPodResourcesEnricher({ rateWindow: '5s' });
    const notification = await enrichNotification(notificationOf([resolved]), [{ enricher, timeoutMs: 10_000 }], {
      prometheus: client,
      logger: createSilentLogger(),
      metrics,
    });
    const memory = notification.alerts[0]!.enrichment['pod-resources']!.fields[1];
    expect(memory?.value).toMatch(/^back to 94% of limit 512 MiB · 480 MiB · request 256 MiB/);
    const text = JSON.stringify(buildSlackMessage(notification, { maxAlerts: 5 }).blocks);
    expect(text).toContain('✅ RESOLVED: KubePodCrashLooping');
    expect(text).toContain('*Memory*: back to 94% of limit 512 MiB');
  });

  it('draws a PNG of the last hour with the limit line where the limit is', async () => {
    const { alert } = await run(createGraphEnricher({ rateWindow: '5s', stepSeconds: 1, externalUrl: 'https://alertpipe.example' }), [
      crashLooping,
    ]);
    const stored = alert.enrichment.graph!;
    expect(stored.links).toEqual([
      { text: 'Graph (last hour)', url: `https://alertpipe.example/api/notifications/n-test/graphs/${crashLooping.fingerprint}.png` },
    ]);
    const graph = graphDataSchema.parse(stored.data?.graph);
    expect(graph.panels.map((p) => [p.title, p.limit])).toEqual([
      ['CPU', 0.5],
      ['Memory', 512 * 1024 ** 2],
    ]);
    const png = await createChartRenderer().render(graph);
    expect(png.length).toBeGreaterThan(2_000);
    expect(png.length).toBeLessThan(200_000);
    const image = PNG.sync.read(png);
    expect([image.width, image.height]).toEqual([CHART.width, chartHeight(2)]);
    graph.panels.forEach((panel, index) => {
      const limitRow = Math.round(yOf(panel.limit as number, index, panelScale(panel)));
      expect(redShare(image, limitRow)).toBeGreaterThan(0.6);
      expect(redShare(image, limitRow + 12)).toBeLessThan(0.1);
    });
    // The usage line: Prometheus has run for seconds of the hour, so it is a short stroke at "now".
    expect(bluePixels(image)).toBeGreaterThan(20);
  });
});

/** Share of the plot's width in this row (±1 px for anti-aliasing) drawn in the limit's red. */
function redShare(image: PNG, row: number): number {
  let red = 0;
  const columns = CHART.width - CHART.left - CHART.right;
  for (let x = CHART.left; x < CHART.width - CHART.right; x++) {
    const hit = [row - 1, row, row + 1].some((y) => {
      const i = (y * image.width + x) * 4;
      return image.data[i]! > 180 && image.data[i + 1]! < 90 && image.data[i + 2]! < 90;
    });
    if (hit) red++;
  }
  return red / columns;
}

function bluePixels(image: PNG): number {
  let blue = 0;
  for (let i = 0; i < image.data.length; i += 4) if (image.data[i]! < 80 && image.data[i + 2]! > 180) blue++;
  return blue;
}
