import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binariesAvailable } from '../support/binaries.js';
import { freePort } from '../support/child-service.js';
import { startFakeExporter, type FakeExporter, type FakePod } from '../support/fake-exporter.js';
import { startFakeSlack, type FakeSlack, type SlackPost } from '../support/fake-slack.js';
import { reportFigure } from '../support/figures.js';
import { startAlertmanager, webhookAlertmanagerConfig, type RealAlertmanager } from '../support/real-alertmanager.js';
import { startPrometheus, type RealPrometheus } from '../support/real-prometheus.js';
import { startTestService, type TestService } from '../support/test-service.js';

const tools = binariesAvailable('prometheus', 'prometheus-alertmanager');
const MiB = 1024 ** 2;

/** Pods of one namespace, each using `cpu` cores of a 1-core limit and 200 MiB + i MiB of a 512 MiB limit. */
const podsOf = (namespace: string, count: number, cpu: number): FakePod[] =>
  Array.from({ length: count }, (_, i) => ({
    namespace,
    pod: `${namespace}-${i}`,
    containers: [
      {
        name: 'app',
        cpuCores: cpu,
        memoryBytes: (200 + i) * MiB,
        cpuRequest: 0.1,
        cpuLimit: 1,
        memoryRequest: 256 * MiB,
        memoryLimit: 512 * MiB,
      },
    ],
  }));

// One rule per namespace; each waits for enough samples that a 5 s rate() is exact, the second
// longer, so the two groups reach alertpipe one after the other and their queries can be told apart.
const RULES = `groups:
  - name: e2e
    rules:
      - alert: PodMemoryHigh
        expr: sum by (namespace, pod) (container_memory_working_set_bytes{container!="", namespace="small"}) > 100000000
          and on (namespace, pod) count_over_time(container_memory_working_set_bytes{container="app", namespace="small"}[30s]) >= 8
        labels: { severity: warning }
        annotations: { summary: "Pod uses a lot of memory." }
      - alert: PodMemoryHigh
        expr: sum by (namespace, pod) (container_memory_working_set_bytes{container!="", namespace="big"}) > 100000000
          and on (namespace, pod) count_over_time(container_memory_working_set_bytes{container="app", namespace="big"}[30s]) >= 18
        labels: { severity: warning }
        annotations: { summary: "Pod uses a lot of memory." }
`;

describe.skipIf(!tools.available)('Prometheus → Alertmanager → alertpipe → Slack, all real but Slack', () => {
  let exporter: FakeExporter;
  let prometheus: RealPrometheus;
  let alertmanager: RealAlertmanager;
  let slack: FakeSlack;
  let app: TestService;
  const queriesAt: number[] = [];

  beforeAll(async () => {
    exporter = await startFakeExporter({ pods: [...podsOf('small', 3, 0.25), ...podsOf('big', 30, 0.5)] });
    slack = await startFakeSlack();
    const port = await freePort();
    alertmanager = await startAlertmanager(
      webhookAlertmanagerConfig(`http://127.0.0.1:${port}/alert`, { groupBy: ['alertname', 'namespace'] }),
    );
    prometheus = await startPrometheus({ targets: [exporter.target], rules: RULES, alertmanager: alertmanager.url.replace('http://', '') });
    queriesAt.push(await apiQueries());
    app = await startTestService(
      [
        `prometheus:\n  url: ${prometheus.url}`,
        'enrichers:',
        '  - name: pod-resources',
        '    options: { rate_window: 5s }',
        'actions:',
        `  slack: { type: slack, webhook_url: "${slack.url}", max_alerts: 15 }`,
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

  async function apiQueries(): Promise<number> {
    return (await prometheus.apiRequests('/api/v1/query')) + (await prometheus.apiRequests('/api/v1/query_range'));
  }

  async function messageFor(namespace: string): Promise<SlackPost> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const found = slack.accepted.find((m) => m.text.includes(` ${namespace}`));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no Slack message for ${namespace}; got ${slack.accepted.map((m) => m.text).join(' | ')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it("posts one message for the group, with each pod's real CPU and memory against its limits", async () => {
    const message = await messageFor('small');
    queriesAt.push(await apiQueries());
    expect(slack.accepted.filter((m) => m.text.includes(' small'))).toHaveLength(1);
    expect(message.text).toBe('[FIRING:3] PodMemoryHigh small: Pod uses a lot of memory.');
    const sections = message.blocks.filter((b) => b.type === 'section').map((b) => b.text?.text ?? '');
    expect(sections).toHaveLength(3);
    sections.forEach((text, i) => {
      expect(text).toContain(`pod \`small-${i}\``);
      expect(text).toMatch(/\*CPU\*: 0\.2[3-7] cores · 2[3-7]% of limit 1 core · request 0\.1 cores/);
      expect(text).toContain(`*Memory*: ${200 + i} MiB · ${Math.round(((200 + i) / 512) * 100)}% of limit 512 MiB · request 256 MiB`);
    });
  });

  it("asks Prometheus the same number of queries for 3 pods as for 30 (counted by Prometheus's own metrics)", async () => {
    const big = await messageFor('big');
    queriesAt.push(await apiQueries());
    expect(big.text).toBe('[FIRING:30] PodMemoryHigh big: Pod uses a lot of memory.');
    expect(big.blocks.some((b) => b.text?.text?.startsWith('…and 15 more alerts'))).toBe(true);
    const [before, afterSmall, afterBig] = queriesAt as [number, number, number];
    reportFigure('promql queries per notification (e2e)', { pods3: afterSmall - before, pods30: afterBig - afterSmall });
    expect(afterSmall - before).toBe(2);
    expect(afterBig - afterSmall).toBe(2);
  });
});
