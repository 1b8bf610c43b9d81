import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeResourcesEnricher } from '../../../src/enrichers/node-resources/node-resources-enricher.js';
import { createPodResourcesEnricher } from '../../../src/enrichers/pod-resources/pod-resources-enricher.js';
import { createPrometheusClient } from '../../../src/prometheus/prometheus-client.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { enrichNotification } from '../../../src/pipeline/enrich-chain.js';
import type { EnrichedAlert } from '../../../src/model/model.js';
import { alertWith, notificationOf } from '../../support/alerts.js';
import { binariesAvailable } from '../../support/binaries.js';
import { startFakeExporter, type FakeExporter, type FakePod } from '../../support/fake-exporter.js';
import { startPrometheus, type RealPrometheus } from '../../support/real-prometheus.js';

const tools = binariesAvailable('prometheus');
const RATE_WINDOW = '5s';
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

const manyPods: FakePod[] = Array.from({ length: 100 }, (_, i) => ({
  namespace: i % 2 === 0 ? 'shop' : 'batch',
  pod: `worker-${i}`,
  containers: [{ name: 'app', cpuCores: 0.1, memoryBytes: 100 * MiB, cpuLimit: 1, memoryLimit: 256 * MiB }],
}));

describe.skipIf(!tools.available)('built-in enrichers against a real Prometheus', () => {
  let exporter: FakeExporter;
  let prometheus: RealPrometheus;

  beforeAll(async () => {
    exporter = await startFakeExporter({
      pods: [
        {
          namespace: 'shop',
          pod: 'cart-1',
          containers: [
            {
              name: 'cart',
              cpuCores: 0.4,
              memoryBytes: 400 * MiB,
              cpuRequest: 0.25,
              cpuLimit: 0.5,
              memoryRequest: 256 * MiB,
              memoryLimit: 512 * MiB,
            },
            {
              name: 'proxy',
              cpuCores: 0.1,
              memoryBytes: 50 * MiB,
              cpuRequest: 0.05,
              cpuLimit: 0.5,
              memoryRequest: 64 * MiB,
              memoryLimit: 128 * MiB,
            },
          ],
        },
        // One container without a CPU limit: the pod has no CPU limit at all.
        {
          namespace: 'shop',
          pod: 'search-1',
          containers: [
            { name: 'search', cpuCores: 0.2, memoryBytes: 100 * MiB, cpuLimit: 1, memoryLimit: 200 * MiB },
            { name: 'sidecar', cpuCores: 0.1, memoryBytes: 20 * MiB, memoryLimit: 50 * MiB },
          ],
        },
        // Same pod name in another namespace: must not be mixed up with shop/cart-1.
        {
          namespace: 'staging',
          pod: 'cart-1',
          containers: [{ name: 'cart', cpuCores: 0.9, memoryBytes: 900 * MiB, cpuLimit: 1, memoryLimit: GiB }],
        },
        ...manyPods,
      ],
      nodes: [
        {
          instance: 'db-1:9100',
          cpus: 4,
          busy: 0.75,
          memoryAvailable: 1.2 * GiB,
          memoryTotal: 8 * GiB,
          rootSize: 50 * GiB,
          rootFree: 4 * GiB,
          rootFillBytesPerSecond: MiB,
        },
        {
          instance: 'web-1:9100',
          cpus: 2,
          busy: 0.1,
          memoryAvailable: 6 * GiB,
          memoryTotal: 8 * GiB,
          rootSize: 50 * GiB,
          rootFree: 40 * GiB,
        },
        // Scraped by its host IP, as a node_exporter DaemonSet on the host network often is.
        {
          instance: '10.0.0.7:9100',
          cpus: 1,
          busy: 0.5,
          memoryAvailable: 3 * GiB,
          memoryTotal: 4 * GiB,
          rootSize: 20 * GiB,
          rootFree: 10 * GiB,
        },
      ],
      // Where two of the pods run: one on db-1 by name, one on a node known by its host IP.
      kubeState: {
        pods: [
          { namespace: 'shop', pod: 'cart-1', node: 'db-1', hostIp: '10.0.0.5', containers: [{ name: 'cart' }] },
          { namespace: 'staging', pod: 'cart-1', node: 'ip-10-0-0-7', hostIp: '10.0.0.7', containers: [{ name: 'cart' }] },
        ],
      },
    });
    prometheus = await startPrometheus({ targets: [exporter.target] });
    // rate() divides by its whole window, so the window must be full of samples: the tests use a
    // 5 s window (production keeps 5m) and wait until it is.
    await prometheus.waitForSeries('count_over_time(container_cpu_usage_seconds_total{pod="cart-1"}[6s]) >= 6', 3);
    await prometheus.waitForSeries('count_over_time(node_cpu_seconds_total{mode="idle"}[6s]) >= 6', 6);
  });
  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
  });

  async function enrich(kind: 'pod' | 'node', labelSets: Record<string, string>[], cacheTtlMs = 0): Promise<EnrichedAlert[]> {
    const metrics = createMetrics({ defaultMetrics: false });
    const client = createPrometheusClient({ url: prometheus.url, timeoutMs: 5000, cacheTtlMs, metrics });
    const enricher =
      kind === 'pod' ? createPodResourcesEnricher({ rateWindow: RATE_WINDOW }) : createNodeResourcesEnricher({ rateWindow: RATE_WINDOW });
    const notification = notificationOf(labelSets.map((labels) => alertWith({ alertname: 'Test', ...labels })));
    const result = await enrichNotification(notification, [{ enricher, timeoutMs: 10_000 }], {
      prometheus: client,
      logger: createSilentLogger(),
      metrics,
    });
    return [...result.alerts];
  }

  it("gives each pod's CPU and memory against the sum of its containers' requests and limits", async () => {
    const [cart] = await enrich('pod', [{ namespace: 'shop', pod: 'cart-1' }]);
    const data = cart!.enrichment['pod-resources']!.data as { cpu: Record<string, number>; memory: Record<string, number> };
    expect(data.cpu.usedCores).toBeCloseTo(0.5, 1);
    expect(data.cpu.limitCores).toBe(1);
    expect(data.cpu.requestCores).toBeCloseTo(0.3, 5);
    expect(data.cpu.percentOfLimit).toBeGreaterThan(45);
    expect(data.cpu.percentOfLimit).toBeLessThan(55);
    expect(data.memory.usedBytes).toBe(450 * MiB);
    expect(data.memory.limitBytes).toBe(640 * MiB);
    expect(data.memory.percentOfLimit).toBe(70.3);
    const fields = cart!.enrichment['pod-resources']!.fields;
    expect(fields.map((f) => f.label)).toEqual(['CPU', 'Memory']);
    expect(fields[1]!.value).toMatch(/^450 MiB · 70% of limit 640 MiB · request 320 MiB · [▁▂▃▄▅▆▇█ ]+$/);
    expect(cart!.notes).toEqual([]);
  });

  it('says "no limit" when one container has none, instead of a misleading percentage', async () => {
    const [search] = await enrich('pod', [{ namespace: 'shop', pod: 'search-1' }]);
    const [cpu, memory] = search!.enrichment['pod-resources']!.fields;
    expect(cpu!.value).toContain('no limit');
    expect(memory!.value).toContain('of limit 250 MiB');
  });

  it('keeps a pod apart from its namesake in another namespace', async () => {
    const alerts = await enrich('pod', [
      { namespace: 'shop', pod: 'cart-1' },
      { namespace: 'staging', pod: 'cart-1' },
    ]);
    const used = alerts.map((a) => (a.enrichment['pod-resources']!.data as { memory: { usedBytes: number } }).memory.usedBytes);
    expect(used).toEqual([450 * MiB, 900 * MiB]);
  });

  it('notes a pod Prometheus knows nothing about, and still answers for the others', async () => {
    const [gone, cart] = await enrich('pod', [
      { namespace: 'shop', pod: 'gone-1' },
      { namespace: 'shop', pod: 'cart-1' },
    ]);
    expect(gone!.notes).toEqual(['pod-resources: no cAdvisor metrics for shop/gone-1 in Prometheus (the pod is gone, or not scraped)']);
    expect(cart!.enrichment['pod-resources']!.fields).toHaveLength(2);
  });

  it('asks Prometheus the same number of queries for 1, 10 and 100 pods', async () => {
    const counts: number[] = [];
    for (const size of [1, 10, 100]) {
      const before = (await prometheus.apiRequests('/api/v1/query')) + (await prometheus.apiRequests('/api/v1/query_range'));
      const alerts = await enrich(
        'pod',
        manyPods.slice(0, size).map((p) => ({ namespace: p.namespace, pod: p.pod })),
      );
      expect(alerts.every((a) => a.enrichment['pod-resources'] !== undefined)).toBe(true);
      const after = (await prometheus.apiRequests('/api/v1/query')) + (await prometheus.apiRequests('/api/v1/query_range'));
      // apiRequests itself is not an API query; the difference is the enricher's alone.
      counts.push(after - before);
    }
    expect(counts).toEqual([2, 2, 2]);
  });

  it("gives a node's CPU, memory, root filesystem and when it will be full", async () => {
    const [db, web, byNodeName] = await enrich('node', [{ instance: 'db-1:9100' }, { instance: 'web-1:9100' }, { node: 'db-1' }]);
    const fields = Object.fromEntries(db!.enrichment['node-resources']!.fields.map((f) => [f.label, f.value]));
    expect(fields['Node CPU']).toMatch(/^(7[0-9]|80)% busy$/);
    expect(fields['Node memory']).toBe('1.2 GiB available of 8 GiB (15%)');
    // 4 GiB free, losing 1 MiB a second while the test runs: full in about 1.1 hours.
    expect(fields['Root filesystem']).toMatch(
      /^(3\.9|4) GiB free of 50 GiB \((7\.\d|8\.0)%\) · full in about 1\.1 h at the rate of the last 6h$/,
    );
    const webFields = Object.fromEntries(web!.enrichment['node-resources']!.fields.map((f) => [f.label, f.value]));
    expect(webFields['Root filesystem']).toBe('40 GiB free of 50 GiB (80%) · not filling');
    expect(byNodeName!.enrichment['node-resources']!.data).toMatchObject({ instance: 'db-1:9100' });
  });

  it("gives a pod's alert its node's figures, found through kube_pod_info by node name or host IP", async () => {
    const before = await prometheus.apiRequests('/api/v1/query');
    const [shop, staging, gone] = await enrich('node', [
      { namespace: 'shop', pod: 'cart-1' },
      { namespace: 'staging', pod: 'cart-1' },
      { namespace: 'shop', pod: 'gone-1' },
    ]);
    expect(shop!.enrichment['node-resources']!.data).toMatchObject({ instance: 'db-1:9100' });
    const fields = Object.fromEntries(staging!.enrichment['node-resources']!.fields.map((f) => [f.label, f.value]));
    expect(staging!.enrichment['node-resources']!.data).toMatchObject({ instance: '10.0.0.7:9100' });
    expect(fields['Node memory']).toBe('3 GiB available of 4 GiB (75%)');
    expect(gone!.enrichment['node-resources']).toBeUndefined();
    // Where the pods run, then the four node queries.
    expect((await prometheus.apiRequests('/api/v1/query')) - before).toBe(5);
  });

  it('says nothing about an instance that is not a node', async () => {
    const [other] = await enrich('node', [{ instance: '10.0.0.9:8080' }]);
    expect(other!.enrichment['node-resources']).toBeUndefined();
    expect(other!.notes).toEqual([]);
  });

  it('answers identical queries from its short cache', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const client = createPrometheusClient({ url: prometheus.url, timeoutMs: 5000, cacheTtlMs: 10_000, metrics });
    const enricher = createPodResourcesEnricher({ rateWindow: RATE_WINDOW });
    const notification = notificationOf([alertWith({ alertname: 'T', namespace: 'shop', pod: 'cart-1' })]);
    const deps = { prometheus: client, logger: createSilentLogger(), metrics };
    const before = await prometheus.apiRequests('/api/v1/query');
    await enrichNotification(notification, [{ enricher, timeoutMs: 10_000 }], deps);
    await enrichNotification(notification, [{ enricher, timeoutMs: 10_000 }], deps);
    expect((await prometheus.apiRequests('/api/v1/query')) - before).toBe(1);
    expect(await metrics.registry.getSingleMetricAsString('alertpipe_prometheus_query_cache_hits_total')).toContain('endpoint="query"} 1');
  });
});
