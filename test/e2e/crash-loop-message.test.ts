import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binariesAvailable } from '../support/binaries.js';
import { freePort } from '../support/child-service.js';
import { CRASH_LOOP_RULES, crashLoopScene } from '../support/crash-loop-scene.js';
import { startFakeExporter, type FakeExporter } from '../support/fake-exporter.js';
import { startFakeSlack, type FakeSlack, type SlackPost } from '../support/fake-slack.js';
import { reportFigure } from '../support/figures.js';
import { startAlertmanager, webhookAlertmanagerConfig, type RealAlertmanager } from '../support/real-alertmanager.js';
import { startPrometheus, type RealPrometheus } from '../support/real-prometheus.js';
import { startTestService, type TestService } from '../support/test-service.js';

const tools = binariesAvailable('prometheus', 'prometheus-alertmanager');
const TOKEN = 'e2e-history-token';

describe.skipIf(!tools.available)('a crash-looping pod, Prometheus → Alertmanager → alertpipe → Slack, all real but Slack', () => {
  let exporter: FakeExporter;
  let prometheus: RealPrometheus;
  let alertmanager: RealAlertmanager;
  let slack: FakeSlack;
  let app: TestService;
  const requestsAt: number[] = [];

  beforeAll(async () => {
    exporter = await startFakeExporter(crashLoopScene({ fleet: 30 }));
    slack = await startFakeSlack();
    const port = await freePort();
    alertmanager = await startAlertmanager(
      webhookAlertmanagerConfig(`http://127.0.0.1:${port}/alert`, { groupBy: ['alertname', 'namespace'], bearer: TOKEN }),
    );
    // Someone already silenced the node's memory pressure: the message must say so.
    const silence = await fetch(`${alertmanager.url}/api/v2/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        matchers: [
          { name: 'alertname', value: 'NodeMemoryPressure', isRegex: false },
          { name: 'node', value: 'node-1', isRegex: false },
        ],
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        createdBy: 'e2e',
        comment: 'known: node-1 is being drained',
      }),
    });
    expect(silence.status).toBe(200);
    prometheus = await startPrometheus({
      targets: [exporter.target],
      rules: CRASH_LOOP_RULES,
      alertmanager: alertmanager.url.replace('http://', ''),
    });
    requestsAt.push(await prometheusRequests());
    app = await startTestService(
      [
        'server:',
        `  external_url: http://127.0.0.1:${port}`,
        `  auth: { bearer_token: ${TOKEN} }`,
        // Every query is asked anew, so the counts below are the enrichers' own.
        `prometheus: { url: "${prometheus.url}", cache_ttl: 0s }`,
        `alertmanager: { url: "${alertmanager.url}" }`,
        'enrichers:',
        '  - { name: pod-resources, options: { rate_window: 5s } }',
        '  - related-alerts',
        '  - { name: restarts, options: { rate_window: 5s } }',
        '  - { name: workload, options: { step: 1s } }',
        '  - { name: graph, options: { rate_window: 5s } }',
        'routes:',
        '  - { matchers: [alertname="KubePodCrashLooping"], actions: [slack] }',
        'actions:',
        `  slack: { type: slack, webhook_url: "${slack.url}", max_alerts: 5 }`,
      ].join('\n'),
      {},
      { port },
    );
  }, 90_000);

  afterAll(async () => {
    await app?.stop();
    await alertmanager?.stop();
    await prometheus?.stop();
    await slack?.close();
    await exporter?.close();
  });

  async function prometheusRequests(): Promise<number> {
    const handlers = ['/api/v1/query', '/api/v1/query_range', '/api/v1/alerts'] as const;
    const counts = await Promise.all(handlers.map((h) => prometheus.apiRequests(h)));
    return counts.reduce((a, b) => a + b, 0);
  }

  async function messageFor(namespace: string): Promise<SlackPost> {
    const deadline = Date.now() + 75_000;
    for (;;) {
      const found = slack.accepted.find((m) => m.text.includes(`KubePodCrashLooping ${namespace}`));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no Slack message for ${namespace}; got ${slack.accepted.map((m) => m.text).join(' | ')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('names the alerts on the pod and node, the restarts and OOM kill, the Deployment and its rollout, and links a graph', async () => {
    const message = await messageFor('shop');
    requestsAt.push(await prometheusRequests());
    expect(message.text).toBe('[FIRING:1] KubePodCrashLooping shop: Pod is crash looping.');
    const section = message.blocks.find((b) => b.type === 'section')?.text?.text ?? '';
    expect(section).toContain('*Also firing on the pod*: KubeContainerOOMKilled');
    expect(section).toContain('*Also firing on the node*: NodeMemoryPressure (1 silenced)');
    expect(section).toContain('*Also firing in the namespace*: PodMemoryHigh');
    expect(section).toMatch(/\*Restarts\*: cart [1-9]\d* in the last 1h, last OOMKilled \(exit 137\)/);
    expect(section).toContain('*Workload*: Deployment cart (ReplicaSet cart-7d9f8b6c5) · 1 of 3 available');
    expect(section).toMatch(/\*Rollout\*: rolled out 1 min ago \(generation 4 → 5\)/);
    const context = JSON.stringify(message.blocks.filter((b) => b.type === 'context'));
    const link = /<(http:\/\/127\.0\.0\.1:\d+\/api\/notifications\/[^/|]+\/graphs\/[0-9a-f]+\.png)\|Graph \(last hour\)>/.exec(context);
    expect(link).not.toBeNull();

    const url = link?.[1] as string;
    expect((await fetch(url)).status).toBe(401);
    const answer = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('image/png');
    const image = PNG.sync.read(Buffer.from(await answer.arrayBuffer()));
    expect(image.width).toBe(720);
    const colours = new Set<number>();
    for (let i = 0; i < image.data.length; i += 4 * 97) colours.add(image.data.readUInt32BE(i));
    expect(colours.size).toBeGreaterThan(3); // not blank
  });

  it('asks Prometheus the same number of requests for 1 crash-looping pod as for 30 (counted by Prometheus itself)', async () => {
    const fleet = await messageFor('fleet');
    requestsAt.push(await prometheusRequests());
    expect(fleet.text).toBe('[FIRING:30] KubePodCrashLooping fleet: Pod is crash looping.');
    const [before, afterOne, afterThirty] = requestsAt as [number, number, number];
    reportFigure('prometheus requests per crash-loop notification (e2e)', { pods1: afterOne - before, pods30: afterThirty - afterOne });
    // pod-resources 2 (graph shares them), restarts 2, workload 4, related-alerts 1 query + the alerts list.
    expect(afterOne - before).toBe(10);
    expect(afterThirty - afterOne).toBe(10);
  });
});
