/**
 * `npm run demo`: a real Prometheus and Alertmanager, a target serving the metrics of a
 * misbehaving pod and node, and alertpipe with the example rules, every built-in enricher and the
 * log action. Within about a minute a real alert about the pod flows through, the enriched
 * notification is printed here, and then the web console's URL with that notification open.
 *
 *   npm run demo                 runs until Ctrl-C
 *   npm run demo -- --once       stops after the first enriched notification about the pod (what CI runs)
 *   npm run demo -- --timeout 90 gives up after 90 s (default 180)
 *
 * Everything runs on loopback ports, in temporary directories that are removed on exit.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseConfigText } from '../src/config/load-config.js';
import { startService, type Service } from '../src/app/main.js';
import { createLogger } from '../src/observability/logger.js';
import { findBinary } from '../test/support/binaries.js';
import { freePort } from '../test/support/child-service.js';
import { crashLoopScene } from '../test/support/crash-loop-scene.js';
import { startFakeExporter, type FakeExporter } from '../test/support/fake-exporter.js';
import { startAlertmanager, webhookAlertmanagerConfig, type RealAlertmanager } from '../test/support/real-alertmanager.js';
import { startPrometheus, type RealPrometheus } from '../test/support/real-prometheus.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const MiB = 1024 ** 2;
// The example rules wait 5 to 15 minutes before firing; the demo waits this long instead.
const DEMO_FOR = '10s';

interface LogLine {
  readonly message: string;
  /** The notification's id, which the console opens at `/ui/#/n/<id>`. */
  readonly notification?: string;
  readonly [key: string]: unknown;
}

interface AlertLine {
  alertname?: string;
  status?: string;
  labels?: Record<string, string>;
  summary?: string;
  description?: string;
  enrichment?: Record<string, string>;
  links?: Record<string, string>;
  notes?: string[];
}

const args = process.argv.slice(2);
const once = args.includes('--once');
const timeoutSeconds = Number(args[args.indexOf('--timeout') + 1]) || 180;
const started = Date.now();
const elapsed = (): string =>
  `${Math.round((Date.now() - started) / 1000)
    .toString()
    .padStart(3)}s`;
const say = (text: string): void => console.log(`${elapsed()}  ${text}`);

const alertmanagerBinary = findBinary('prometheus-alertmanager')
  ? 'prometheus-alertmanager'
  : findBinary('alertmanager')
    ? 'alertmanager'
    : undefined;
if (!findBinary('prometheus') || !alertmanagerBinary) {
  console.log('The demo needs Prometheus and Alertmanager. Install them, then run `npm run demo` again:');
  console.log('  Debian/Ubuntu: sudo apt-get install prometheus prometheus-alertmanager');
  console.log('  macOS:         brew install prometheus alertmanager');
  process.exit(1);
}

const cleanups: Array<() => Promise<void>> = [];
let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    // Last started, first stopped: alertpipe before the Alertmanager that sends to it.
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
  process.exit(code);
}
process.on('SIGINT', () => {
  console.log('');
  say('stopping everything the demo started');
  void stopAll(0);
});
process.on('SIGTERM', () => void stopAll(0));

function demoRules(): string {
  const files = ['pod-alerts.yml', 'node-alerts.yml'].map((file) => readFileSync(path.join(ROOT, 'examples/rules', file), 'utf8'));
  // Both files are one `groups:` list; the second's entries join the first's.
  const [pods, nodes] = files.map((text) => text.replace(/^\s*for: .*$/gm, (line) => line.replace(/for: .*/, `for: ${DEMO_FOR}`))) as [
    string,
    string,
  ];
  return `${pods}\n${nodes.replace(/^[^\n]*\n?groups:\n/s, '').replace(/^#.*\n/gm, '')}`;
}

function printNotification(line: LogLine): void {
  const alerts = (line.alerts as AlertLine[] | undefined) ?? [];
  console.log('');
  console.log(
    `──── alertpipe → log action: ${String(line.status).toUpperCase()} ${alerts[0]?.alertname ?? ''} (${alerts.length} alert${alerts.length === 1 ? '' : 's'}) ────`,
  );
  for (const alert of alerts) {
    const where = alert.labels?.pod ? `${alert.labels.namespace}/${alert.labels.pod}` : (alert.labels?.instance ?? '');
    console.log(`  ${alert.status === 'resolved' ? '✅' : '🔥'} ${alert.alertname}  ${where}`);
    if (alert.summary) console.log(`     ${alert.summary}`);
    for (const [label, value] of Object.entries(alert.enrichment ?? {})) console.log(`     ${label}: ${value}`);
    for (const [text, url] of Object.entries(alert.links ?? {})) console.log(`     ${text}: ${url}`);
    for (const note of alert.notes ?? []) console.log(`     ⚠ ${note}`);
  }
  console.log('');
}

async function main(): Promise<void> {
  say(
    'starting a target that serves the metrics of a pod near its memory limit, restarting, of a Deployment that just rolled out, on a busy node short of memory',
  );
  const exporter: FakeExporter = await startFakeExporter({
    pods: [
      {
        namespace: 'shop',
        pod: 'cart-7d9f8b6c5-x2x9z',
        containers: [
          {
            name: 'cart',
            cpuCores: 0.42,
            memoryBytes: 481 * MiB,
            cpuRequest: 0.25,
            cpuLimit: 0.5,
            memoryRequest: 256 * MiB,
            memoryLimit: 512 * MiB,
          },
        ],
      },
    ],
    nodes: [
      {
        instance: 'node-1:9100',
        cpus: 4,
        busy: 0.95,
        memoryAvailable: 0.6 * 1024 * MiB,
        memoryTotal: 16 * 1024 * MiB,
        rootSize: 100 * 1024 * MiB,
        rootFree: 70 * 1024 * MiB,
      },
    ],
    // kube-state-metrics' view of the same pod: on node-1, restarting, last OOM-killed, owned by
    // the Deployment `cart` (through its ReplicaSet), which rolls out a few seconds in.
    kubeState: crashLoopScene().kubeState,
  });
  cleanups.push(() => exporter.close());

  const port = await freePort();
  say(`starting Alertmanager (${alertmanagerBinary}), sending to alertpipe on 127.0.0.1:${port}`);
  const alertmanager: RealAlertmanager = await startAlertmanager(
    webhookAlertmanagerConfig(`http://127.0.0.1:${port}/alert`, { groupBy: ['alertname'] }),
    alertmanagerBinary,
  );
  cleanups.push(() => alertmanager.stop());

  say(`starting Prometheus with examples/rules (each rule's \`for\` shortened to ${DEMO_FOR} for the demo)`);
  const prometheus: RealPrometheus = await startPrometheus({
    targets: [exporter.target],
    rules: demoRules(),
    alertmanager: alertmanager.url.replace('http://', ''),
  });
  cleanups.push(() => prometheus.stop());

  let seen: LogLine | undefined;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const text of chunk.toString('utf8').split('\n')) {
        if (!text.trim()) continue;
        const line = JSON.parse(text) as LogLine;
        if (line.message === 'alert notification') {
          printNotification(line);
          // The pod's notification is the one every enricher has something to say about.
          if ((line.alerts as AlertLine[] | undefined)?.some((a) => a.labels?.pod)) seen ??= line;
        } else if ((line.level === 'warn' || line.level === 'error') && !stopping) say(`alertpipe ${String(line.level)}: ${line.message}`);
      }
      callback();
    },
  });
  const config = parseConfigText(
    [
      `server: { external_url: "http://127.0.0.1:${port}" }`,
      `prometheus: { url: "${prometheus.url}" }`,
      `alertmanager: { url: "${alertmanager.url}" }`,
      // Every built-in enricher. Prometheus has only seconds of samples: a 5 s rate is exact, a 5 m
      // one would not be yet, and the rollout shows at a 1 s step.
      'enrichers:',
      '  - { name: pod-resources, options: { rate_window: 5s } }',
      '  - { name: node-resources, options: { rate_window: 5s } }',
      '  - related-alerts',
      '  - { name: restarts, options: { rate_window: 5s } }',
      '  - { name: workload, options: { step: 1s } }',
      '  - { name: graph, options: { rate_window: 5s } }',
      'delivery: { queue: memory }',
      'actions: { log: { type: log } }',
    ].join('\n'),
    'demo config',
    {},
  );
  const service: Service = await startService(
    { config, source: 'file', baseDir: ROOT },
    { logger: createLogger({ level: 'info', format: 'json', stream }), listen: `127.0.0.1:${port}` },
  );
  cleanups.push(() => service.stop(2000));
  say(`alertpipe listening on ${service.url}; Prometheus ${prometheus.url}, Alertmanager ${alertmanager.url}`);
  say("waiting for the pod's alert to fire, reach Alertmanager, and come through alertpipe (about a minute)");

  let lastProgress = '';
  while (!seen) {
    if ((Date.now() - started) / 1000 > timeoutSeconds) {
      say(`no notification within ${timeoutSeconds} s; Prometheus said: ${lastProgress || 'nothing yet'}`);
      await stopAll(1);
    }
    const progress = await alertStates(prometheus.url);
    if (progress !== lastProgress) {
      say(progress);
      lastProgress = progress;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  say(`the enriched notification above went Prometheus → Alertmanager → alertpipe in ${elapsed().trim()}`);
  if (!once) say('leave it running to see more groups; Ctrl-C stops everything and removes its files');
  say(`the web console, with this notification open: ${await consoleUrl(service.url, seen.notification)}`);
  if (once) await stopAll(0);
}

/**
 * The console's page of the notification (`/ui/#/n/<id>`), once the history has it (its delivery
 * is recorded a moment after the log line), so the URL printed opens what was just shown.
 */
async function consoleUrl(serviceUrl: string, id: string | undefined): Promise<string> {
  if (id === undefined) return `${serviceUrl}/ui/`;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const answer = await fetch(`${serviceUrl}/api/notifications/${encodeURIComponent(id)}`, { signal: AbortSignal.timeout(2000) }).catch(
      () => undefined,
    );
    if (answer?.ok) return `${serviceUrl}/ui/#/n/${encodeURIComponent(id)}`;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return `${serviceUrl}/ui/`;
}

/** "KubePodNearMemoryLimit pending, NodeHighMemoryUsage firing", from Prometheus's ALERTS series. */
async function alertStates(prometheusUrl: string): Promise<string> {
  try {
    const response = await fetch(`${prometheusUrl}/api/v1/query?query=ALERTS`, { signal: AbortSignal.timeout(2000) });
    const body = (await response.json()) as { data?: { result?: Array<{ metric: Record<string, string> }> } };
    const states = (body.data?.result ?? []).map((r) => `${r.metric.alertname} ${r.metric.alertstate}`);
    return states.length > 0 ? `Prometheus: ${[...new Set(states)].sort().join(', ')}` : 'Prometheus is scraping; no alert pending yet';
  } catch {
    return 'Prometheus is starting';
  }
}

main().catch(async (error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
});
