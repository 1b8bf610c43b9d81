import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Enricher } from '../../../src/enrichers/enricher.js';
import { createGraphEnricher } from '../../../src/enrichers/graph/graph-enricher.js';
import { createNodeResourcesEnricher } from '../../../src/enrichers/node-resources/node-resources-enricher.js';
import { createPodResourcesEnricher } from '../../../src/enrichers/pod-resources/pod-resources-enricher.js';
import { createRelatedAlertsEnricher } from '../../../src/enrichers/related-alerts/related-alerts-enricher.js';
import { createRestartsEnricher } from '../../../src/enrichers/restarts/restarts-enricher.js';
import { createWorkloadEnricher } from '../../../src/enrichers/workload/workload-enricher.js';
import type { EnrichedNotification, Notification } from '../../../src/model/model.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { enrichNotification, type EnrichChainDeps, type EnricherStep } from '../../../src/pipeline/enrich-chain.js';
import { createEnrichBatcher } from '../../../src/pipeline/enrich-batcher.js';
import { createPrometheusClient } from '../../../src/prometheus/prometheus-client.js';
import { alertWith, notificationOf } from '../../support/alerts.js';
import { binariesAvailable } from '../../support/binaries.js';
import { freePort } from '../../support/child-service.js';
import { startFakeExporter, type FakeExporter, type FakePod } from '../../support/fake-exporter.js';
import { startPinnedPrometheusProxy, type PinnedPrometheusProxy } from '../../support/pinned-prometheus-proxy.js';
import { startPrometheus, type RealPrometheus } from '../../support/real-prometheus.js';
import { startTestService } from '../../support/test-service.js';

const binaries = binariesAvailable('prometheus');
const RATE_WINDOW = '5s';
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

const workers: FakePod[] = Array.from({ length: 24 }, (_, i) => ({
  namespace: i % 3 === 0 ? 'batch' : 'shop',
  pod: `worker-${i}`,
  containers: [{ name: 'app', cpuCores: 0.05 * (i + 1), memoryBytes: (50 + i) * MiB, cpuLimit: 2, memoryLimit: 256 * MiB }],
}));

/** Where each worker runs: even ones on db-1, odd ones on web-1 (the node exporters' instances below). */
const nodeOf = (i: number): { node: string; hostIp: string } =>
  i % 2 === 0 ? { node: 'db-1', hostIp: '10.0.0.2' } : { node: 'web-1', hostIp: '10.0.0.3' };

/**
 * Alerts for related-alerts to find: the larger workers' memory (on both nodes, in both
 * namespaces), and db-1's node exporter.
 */
const RULES = [
  'groups:',
  '  - name: scene',
  '    rules:',
  '      - alert: PodMemoryHigh',
  '        expr: container_memory_working_set_bytes{container="app"} > 62 * 1024 * 1024',
  '      - alert: NodeMemoryLow',
  '        expr: node_memory_MemAvailable_bytes < 2 * 1024 * 1024 * 1024',
  '',
].join('\n');
const FIRING_RULE_ALERTS = 11 + 1;

const pod = (alertname: string, namespace: string, name: string, status: 'firing' | 'resolved' = 'firing', more = {}) =>
  alertWith({ alertname, namespace, pod: name, ...more }, status);

/**
 * A storm's worth of notifications: groups of one to three pods, the same pod in several groups,
 * the same alert firing in one and resolved in another, a pod name in two namespaces, a pod
 * Prometheus has never seen, node alerts, and an alert no enricher applies to.
 */
function storm(): Notification[] {
  const groups = [
    [pod('KubePodCrashLooping', 'shop', 'cart-1', 'firing', { container: 'cart' }), pod('CPUThrottlingHigh', 'shop', 'search-1')],
    [pod('KubePodCrashLooping', 'staging', 'cart-1')],
    [pod('KubePodCrashLooping', 'shop', 'cart-1', 'resolved', { container: 'cart' })],
    [pod('PodGone', 'shop', 'ghost-1'), alertWith({ alertname: 'NodeDiskFilling', instance: 'db-1:9100' })],
    [alertWith({ alertname: 'NodeMemoryPressure', node: 'web-1' }), alertWith({ alertname: 'NodeDown', instance: 'db-1:9100' })],
    [alertWith({ alertname: 'Watchdog' })],
    // A pod alert without a namespace is placed by its instance: another notification's pods on
    // that node must not count as on its node.
    [alertWith({ alertname: 'ScrapeFailing', pod: 'worker-0', instance: 'db-1:9100' })],
    ...Array.from({ length: 12 }, (_, i) =>
      [workers[i * 2]!, workers[i * 2 + 1]!, workers[(i * 5) % workers.length]!].map((w) => pod('PodMemoryHigh', w.namespace, w.pod)),
    ),
  ];
  return groups.map((alerts, i) => ({ ...notificationOf(alerts, `n-${i}`), groupKey: `{}:{group="${i}"}` }));
}

/** An enricher of one's own without `enrichBatch`: still asked once per notification. */
function teamOwner(calls: { count: number }): Enricher {
  return {
    name: 'team-owner',
    appliesTo: (alert) => alert.labels.namespace !== undefined,
    async enrich(alerts, ctx) {
      calls.count++;
      return new Map(
        alerts.map((a) => [a.fingerprint, { fields: [{ label: 'Owner', value: `${a.labels.namespace}@${ctx.notification.id}` }] }]),
      );
    },
  };
}

function stepsOf(owners: { count: number }): EnricherStep[] {
  const timeoutMs = 10_000;
  return [
    { enricher: createPodResourcesEnricher({ rateWindow: RATE_WINDOW }), timeoutMs },
    { enricher: createGraphEnricher({ rateWindow: RATE_WINDOW, externalUrl: 'https://alertpipe.example' }), timeoutMs },
    { enricher: createNodeResourcesEnricher({ rateWindow: RATE_WINDOW }), timeoutMs },
    { enricher: createRestartsEnricher({ rateWindow: RATE_WINDOW }), timeoutMs },
    { enricher: createWorkloadEnricher(), timeoutMs },
    { enricher: createRelatedAlertsEnricher(), timeoutMs },
    { enricher: teamOwner(owners), timeoutMs },
  ];
}

function depsFor(url: string, batched: boolean): EnrichChainDeps {
  const metrics = createMetrics({ defaultMetrics: false });
  const logger = createSilentLogger();
  return {
    // No cache: every query the chain sends reaches Prometheus and is counted.
    prometheus: createPrometheusClient({ url, timeoutMs: 5000, cacheTtlMs: 0, metrics }),
    logger,
    metrics,
    ...(batched
      ? { batcher: createEnrichBatcher({ windowMs: 5, minIntervalMs: 0, maxAlerts: 1000, maxNotifications: 1000, logger }) }
      : {}),
  };
}

async function oneByOne(
  notifications: readonly Notification[],
  url: string,
  steps: readonly EnricherStep[],
): Promise<EnrichedNotification[]> {
  const deps = depsFor(url, false);
  const out: EnrichedNotification[] = [];
  for (const notification of notifications) out.push(await enrichNotification(notification, steps, deps));
  return out;
}

function together(notifications: readonly Notification[], url: string, steps: readonly EnricherStep[]): Promise<EnrichedNotification[]> {
  const deps = depsFor(url, true);
  // As the dispatcher plans a claimed batch: every notification at once.
  return Promise.all(notifications.map((notification) => enrichNotification(notification, steps, deps)));
}

describe.skipIf(!binaries.available)('enrichment coalesced across notifications, against a real Prometheus', () => {
  let exporter: FakeExporter;
  let prometheus: RealPrometheus;
  let proxy: PinnedPrometheusProxy;

  beforeAll(async () => {
    exporter = await startFakeExporter({
      pods: [
        {
          namespace: 'shop',
          pod: 'cart-1',
          containers: [
            { name: 'cart', cpuCores: 0.4, memoryBytes: 400 * MiB, cpuRequest: 0.25, cpuLimit: 0.5, memoryLimit: 512 * MiB },
            { name: 'proxy', cpuCores: 0.1, memoryBytes: 50 * MiB, cpuLimit: 0.5, memoryLimit: 128 * MiB },
          ],
        },
        {
          namespace: 'shop',
          pod: 'search-1',
          containers: [{ name: 'search', cpuCores: 0.2, memoryBytes: 100 * MiB, memoryLimit: 200 * MiB }],
        },
        {
          namespace: 'staging',
          pod: 'cart-1',
          containers: [{ name: 'cart', cpuCores: 0.9, memoryBytes: 900 * MiB, cpuLimit: 1, memoryLimit: GiB }],
        },
        ...workers,
      ],
      nodes: [
        {
          instance: 'db-1:9100',
          cpus: 4,
          busy: 0.75,
          memoryAvailable: GiB,
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
      ],
      kubeState: {
        pods: [
          {
            namespace: 'shop',
            pod: 'cart-1',
            owner: { kind: 'ReplicaSet', name: 'cart-7d9f' },
            containers: [
              { name: 'cart', restartsAtStart: 5, lastTerminated: { reason: 'OOMKilled', exitCode: 137 } },
              { name: 'proxy', restartsAtStart: 0 },
            ],
          },
          { namespace: 'shop', pod: 'search-1', containers: [{ name: 'search', restartsAtStart: 1, throttledShare: 0.4 }] },
          ...workers.map((w, i) => ({
            namespace: w.namespace,
            pod: w.pod,
            ...nodeOf(i),
            containers: [{ name: 'app', restartsAtStart: 0 }],
          })),
        ],
        replicaSets: [{ namespace: 'shop', name: 'cart-7d9f', deployment: 'cart' }],
        deployments: [{ namespace: 'shop', name: 'cart', desired: 3, available: 1, generation: 4 }],
      },
    });
    prometheus = await startPrometheus({ targets: [exporter.target], rules: RULES });
    await prometheus.waitForSeries('count_over_time(container_cpu_usage_seconds_total{pod="cart-1"}[6s]) >= 6', 3);
    await prometheus.waitForSeries('count_over_time(node_cpu_seconds_total{mode="idle"}[6s]) >= 6', 6);
    await prometheus.waitForSeries('ALERTS{alertstate="firing"}', FIRING_RULE_ALERTS);
    proxy = await startPinnedPrometheusProxy(prometheus.url);
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await prometheus?.stop();
    await exporter?.close();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /**
   * Both runs must see the same Prometheus: the proxy pins every instant query to one evaluation
   * time, and a frozen clock gives every range query (and every graph) the same end.
   */
  function pinTime(): void {
    const at = Math.floor(Date.now() / 1000) - 2;
    proxy.pin(at);
    vi.useFakeTimers({ toFake: ['Date'], now: at * 1000 });
  }

  it('gives every notification the same enrichment, notes and links in a batch as enriched one by one', async () => {
    pinTime();
    const notifications = storm();
    const owners = { count: 0 };
    const steps = stepsOf(owners);
    const alone = await oneByOne(notifications, proxy.url, steps);
    const batched = await together(notifications, proxy.url, steps);
    expect(batched).toEqual(alone);
    // The runs are about something: figures, notes for the pod Prometheus never saw, node figures, graphs.
    const [first] = batched;
    expect(first!.alerts[0]!.enrichment['pod-resources']!.fields[1]!.value).toMatch(/^450 MiB · 70% of limit 640 MiB · /);
    expect(first!.alerts[0]!.enrichment.restarts!.fields[0]!.value).toContain('last OOMKilled (exit 137)');
    expect(first!.alerts[0]!.enrichment.workload!.fields[0]!.value).toBe('Deployment cart (ReplicaSet cart-7d9f) · 1 of 3 available');
    expect(first!.alerts[1]!.enrichment.restarts!.fields.map((f) => f.label)).toContain('CPU throttled');
    expect(batched[2]!.alerts[0]!.enrichment['pod-resources']!.fields[0]!.value).toMatch(/^back to /);
    expect(batched[1]!.alerts[0]!.enrichment['pod-resources']!.fields[1]!.value).toMatch(/^900 MiB/);
    expect(batched[3]!.alerts[0]!.notes).toContain(
      'pod-resources: no cAdvisor metrics for shop/ghost-1 in Prometheus (the pod is gone, or not scraped)',
    );
    expect(batched[4]!.alerts.map((a) => a.enrichment['node-resources']?.data)).toEqual([
      expect.objectContaining({ instance: 'web-1:9100' }),
      expect.objectContaining({ instance: 'db-1:9100' }),
    ]);
    expect(batched[7]!.alerts[0]!.enrichment.graph!.links![0]!.url).toBe(
      `https://alertpipe.example/api/notifications/n-7/graphs/${notifications[7]!.alerts[0]!.fingerprint}.png`,
    );
    expect(batched[5]!.alerts[0]!.enrichment).toEqual({});
    const related = (n: number) => batched[n]!.alerts.map((a) => a.enrichment['related-alerts']?.fields);
    expect(related(4)).toEqual([
      [{ label: 'Also firing on the node', value: 'PodMemoryHigh ×6' }],
      [{ label: 'Also firing on the node', value: 'PodMemoryHigh ×5, NodeMemoryLow' }],
    ]);
    // Only db-1's own alert: the workers on db-1 are other notifications' pods.
    expect(related(6)).toEqual([[{ label: 'Also firing on the node', value: 'NodeMemoryLow' }]]);
    expect(related(7)[0]).toEqual([
      { label: 'Also firing on the node', value: 'PodMemoryHigh ×5, NodeMemoryLow' },
      { label: 'Also firing in the namespace', value: 'PodMemoryHigh ×2' },
    ]);
    // The enricher without enrichBatch ran once per notification it applies to, in both runs.
    expect(owners.count).toBe(2 * notifications.filter((n) => n.alerts.some((a) => a.labels.namespace)).length);
  });

  it('sends one round of queries per enricher for the whole batch, where one by one sends one per notification', async () => {
    pinTime();
    const notifications = storm();
    const steps = stepsOf({ count: 0 });
    proxy.resetCount();
    await oneByOne(notifications, proxy.url, steps);
    const oneByOneQueries = proxy.queries();
    proxy.resetCount();
    await together(notifications, proxy.url, steps);
    const batchQueries = proxy.queries();
    // What all the alerts in one notification cost: pod-resources 2 (graph shares them), graph's
    // node panels 3, node-resources 5 (4, and kube_pod_info to place the pods), restarts 3 (a CPU alert among them), workload 4,
    // related-alerts 1 (kube_pod_info to place the pods; the alerts lists are not PromQL).
    proxy.resetCount();
    await oneByOne(
      [
        notificationOf(
          notifications.flatMap((n) => n.alerts),
          'n-all',
        ),
      ],
      proxy.url,
      steps,
    );
    expect(proxy.queries()).toBe(18);
    expect(batchQueries).toBe(18);
    expect(oneByOneQueries).toBeGreaterThan(notifications.length * 2);
  });

  it('degrades every member of a batch with the note it would have had alone when Prometheus is unreachable', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const notifications = storm().slice(0, 6);
    const steps = stepsOf({ count: 0 });
    const alone = await oneByOne(notifications, closed, steps);
    const batched = await together(notifications, closed, steps);
    expect(batched).toEqual(alone);
    const cart = batched[0]!.alerts[0]!;
    expect(cart.notes).toEqual(expect.arrayContaining([expect.stringMatching(/^pod-resources: .*ECONNREFUSED/)]));
    expect(cart.enrichment['team-owner']).toBeDefined();
  });

  it('enriches a burst posted to the service in a few rounds, not one per notification', async () => {
    const app = await startTestService(
      [
        `prometheus: { url: ${JSON.stringify(proxy.url)}, cache_ttl: 0s }`,
        'enrichers: [{ name: pod-resources, options: { rate_window: 5s } }]',
      ].join('\n'),
    );
    try {
      proxy.resetCount();
      const bodies = workers.slice(0, 20).map((w, i) => ({
        version: '4',
        status: 'firing',
        receiver: 'burst',
        groupKey: `{}:{group="burst-${i}"}`,
        alerts: [
          {
            status: 'firing',
            labels: { alertname: 'PodMemoryHigh', namespace: w.namespace, pod: w.pod },
            annotations: {},
            startsAt: new Date().toISOString(),
          },
        ],
      }));
      const answers = await Promise.all(bodies.map((body) => app.post('/alert', body)));
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
      const records = await Promise.all(answers.map((a) => app.untilDone(a.body.id as string, 20_000)));
      for (const record of records) {
        const [alert] = record.notification.alerts as EnrichedNotification['alerts'];
        expect(alert!.enrichment['pod-resources']!.fields.map((f) => f.label)).toEqual(['CPU', 'Memory']);
      }
      // One by one: 20 × 2. In rounds: 2 a round, a round at most every 250 ms.
      expect(proxy.queries()).toBeLessThanOrEqual(12);
    } finally {
      await app.stop();
    }
  });
});
