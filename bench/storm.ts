/**
 * An alert storm end to end, beside Alertmanager alone: 10,000 alerts in 1,000 groups pushed
 * into a real Alertmanager through its API, delivered to a Slack stand-in (a) by Alertmanager's
 * own `slack_configs`, (b) through Alertmanager's webhook to alertpipe (SQLite queue, pod-resources
 * enrichment from a real Prometheus) and its Slack action. Both runs use the same 200 webhooks
 * (one per team channel), so that Slack's per-webhook limit does not decide the time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../test/support/child-service.js';
import { startFakeExporter } from '../test/support/fake-exporter.js';
import { startAlertmanager } from '../test/support/real-alertmanager.js';
import { startPrometheus, type RealPrometheus } from '../test/support/real-prometheus.js';
import { startSlackStandIn, type SlackStandIn } from './slack-stand-in.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const GROUPS = 1_000;
const PER_GROUP = 10;
const WEBHOOKS = 200;
const ALERTS_PER_POST = 500;
// Bounds: the whole scenario stops by itself, whatever happens.
const DELIVERY_TIMEOUT_MS = 120_000;
/**
 * Builds to compare, A/B in one run: STORM_BUILDS='before=OTHER/app/cli.js,after=dist/app/cli.js'
 * (paths from the repository's root; a copy of another build's dist/ inside the repository finds
 * its node_modules), each STORM_ROUNDS times (default 1), interleaved with Alertmanager alone.
 */
const BUILDS = (process.env.STORM_BUILDS ?? '=dist/app/cli.js').split(',').map((entry) => {
  const [label = '', cli = ''] = entry.split('=');
  return { label, cli: path.resolve(ROOT, cli) };
});
const ROUNDS = Number(process.env.STORM_ROUNDS ?? 1);

export interface ProcessFigures {
  readonly name: string;
  readonly cpuSeconds: number;
  readonly peakRssMiB: number;
}

export interface StormRow {
  readonly label: string;
  /** Groups whose message reached the stand-in, of GROUPS. */
  readonly groupsDelivered: number;
  readonly groups: number;
  readonly messages: number;
  /** From the first alert sent to the last group's first message. */
  readonly lastMessageSeconds: number;
  /** Per group: its alerts sent → its first message received. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly processes: readonly ProcessFigures[];
  readonly promqlQueries: number;
  readonly rateLimited: number;
}

/** Runs (a) then (b); throws when Prometheus or Alertmanager cannot start. */
export async function stormScenario(log: (line: string) => void): Promise<StormRow[]> {
  const slack = await startSlackStandIn();
  const pods = Array.from({ length: GROUPS }, (_, g) => ({
    namespace: 'storm',
    pod: podName(g, 0),
    containers: [
      {
        name: 'app',
        cpuCores: 0.25,
        memoryBytes: 200 * 2 ** 20,
        cpuRequest: 0.5,
        cpuLimit: 1,
        memoryRequest: 256 * 2 ** 20,
        memoryLimit: 512 * 2 ** 20,
      },
    ],
  }));
  const exporter = await startFakeExporter({ pods });
  const prometheus = await startPrometheus({ targets: [exporter.target] });
  try {
    log('storm: waiting for Prometheus to hold the pods');
    await prometheus.waitForSeries('rate(container_cpu_usage_seconds_total{namespace="storm"}[1m])', GROUPS, 60_000);
    const rows: StormRow[] = [];
    // Builds compared A/B: each round runs Alertmanager alone, then every build, back to back.
    for (let round = 1; round <= ROUNDS; round++) {
      const of = ROUNDS > 1 ? ` ${round}/${ROUNDS}` : '';
      log(`storm: (a) Alertmanager alone${of}`);
      slack.reset();
      rows.push(await runOnce('Alertmanager alone (slack_configs)', slack, (webhook) => alertmanagerSlackConfig(webhook), undefined));
      for (const build of BUILDS) {
        log(`storm: (b) Alertmanager → alertpipe${build.label ? ` (${build.label})` : ''}${of}`);
        slack.reset();
        const queriesBefore = (await prometheus.apiRequests('/api/v1/query')) + (await prometheus.apiRequests('/api/v1/query_range'));
        const label = `Alertmanager → alertpipe (SQLite, pod-resources${build.label ? `; ${build.label}` : ''})`;
        const through = await runOnce(label, slack, undefined, { prometheus, cli: build.cli });
        const queries =
          (await prometheus.apiRequests('/api/v1/query')) + (await prometheus.apiRequests('/api/v1/query_range')) - queriesBefore;
        rows.push({ ...through, promqlQueries: queries });
      }
    }
    return rows;
  } finally {
    await prometheus.stop();
    await exporter.close();
    await slack.close();
  }
}

async function runOnce(
  label: string,
  slack: SlackStandIn,
  slackConfig: ((webhook: (shard: number) => string) => string) | undefined,
  target: { prometheus: RealPrometheus; cli: string } | undefined,
): Promise<StormRow> {
  const prometheus = target?.prometheus;
  const webhook = (shard: number): string => `${slack.url}/services/T0STORM/B${String(shard).padStart(4, '0')}/storm`;
  const alertpipe = target === undefined ? undefined : await startAlertpipe(webhook, target.prometheus.url, target.cli);
  try {
    const config = slackConfig ? slackConfig(webhook) : alertmanagerWebhookConfig(`${alertpipe!.url}/alert`);
    const alertmanager = await startAlertmanager(config);
    try {
      const watched = [
        { name: 'Alertmanager', pid: alertmanager.process.pid! },
        ...(alertpipe ? [{ name: 'alertpipe', pid: alertpipe.process.pid! }] : []),
        // Prometheus answers the enrichment's queries (its scraping runs in both runs alike).
        ...(alertpipe && prometheus ? [{ name: 'Prometheus', pid: prometheus.process.pid! }] : []),
      ];
      const cpuBefore = watched.map((p) => cpuSecondsOf(p.pid));
      const started = performance.now();
      const sentAt = await pushStorm(alertmanager.url);
      const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
      while (slack.receivedAt.size < GROUPS && Date.now() < deadline) await sleep(50);
      const processes = watched.map((p, i) => ({
        name: p.name,
        cpuSeconds: cpuSecondsOf(p.pid) - cpuBefore[i]!,
        peakRssMiB: peakRssMiBOf(p.pid),
      }));
      const latencies = [...slack.receivedAt].map(([group, at]) => at - sentAt[group]!);
      const last = Math.max(...slack.receivedAt.values());
      return {
        label,
        groupsDelivered: slack.receivedAt.size,
        groups: GROUPS,
        messages: slack.messages(),
        lastMessageSeconds: (last - started) / 1000,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        processes,
        promqlQueries: 0,
        rateLimited: slack.rateLimited(),
      };
    } finally {
      await alertmanager.stop();
    }
  } finally {
    await alertpipe?.stop();
  }
}

const podName = (group: number, index: number): string => `storm-g${group}-p${index}`;

/**
 * The storm: every alert of the 1,000 groups, posted as fast as Alertmanager takes them, each
 * group's alerts in one request. Returns when each group was sent (performance.now()).
 */
async function pushStorm(alertmanagerUrl: string): Promise<number[]> {
  const sentAt: number[] = [];
  const groupsPerPost = ALERTS_PER_POST / PER_GROUP;
  for (let first = 0; first < GROUPS; first += groupsPerPost) {
    const alerts = [];
    for (let g = first; g < Math.min(GROUPS, first + groupsPerPost); g++) {
      for (let i = 0; i < PER_GROUP; i++) {
        alerts.push({
          labels: {
            alertname: 'KubePodNotReady',
            group: `storm-g${g}`,
            namespace: 'storm',
            pod: podName(g, i),
            container: 'app',
            severity: 'critical',
            shard: String(g % WEBHOOKS),
          },
          annotations: { summary: `Pod storm/${podName(g, i)} has been in a non-ready state for longer than 15 minutes.` },
          generatorURL: 'http://prometheus:9090/graph?g0.expr=kube_pod_status_ready',
        });
      }
    }
    const at = performance.now();
    const response = await fetch(`${alertmanagerUrl}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
    if (!response.ok) throw new Error(`Alertmanager answered ${response.status}: ${await response.text()}`);
    for (let g = first; g < Math.min(GROUPS, first + groupsPerPost); g++) sentAt[g] = at;
  }
  return sentAt;
}

/** The route both runs share: a group per (alertname, group), one receiver per shard's webhook. */
function routeYaml(receiver: (shard: number) => string): string[] {
  return [
    'route:',
    `  receiver: ${receiver(0)}`,
    '  group_by: [alertname, group]',
    '  group_wait: 1s',
    '  group_interval: 5m',
    '  repeat_interval: 4h',
  ].concat(
    receiver(0) === receiver(1)
      ? []
      : ['  routes:', ...Array.from({ length: WEBHOOKS }, (_, s) => `    - { receiver: ${receiver(s)}, matchers: ['shard="${s}"'] }`)],
  );
}

function alertmanagerSlackConfig(webhook: (shard: number) => string): string {
  return [
    ...routeYaml((s) => `slack-${s}`),
    'receivers:',
    ...Array.from({ length: WEBHOOKS }, (_, s) =>
      [
        `  - name: slack-${s}`,
        '    slack_configs:',
        `      - api_url: ${JSON.stringify(webhook(s))}`,
        '        channel: "#storm"',
        '        send_resolved: true',
      ].join('\n'),
    ),
    '',
  ].join('\n');
}

function alertmanagerWebhookConfig(url: string): string {
  return [
    ...routeYaml(() => 'alertpipe'),
    'receivers:',
    '  - name: alertpipe',
    '    webhook_configs:',
    `      - url: ${JSON.stringify(url)}`,
    '        send_resolved: true',
    '',
  ].join('\n');
}

interface Alertpipe {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

async function startAlertpipe(webhook: (shard: number) => string, prometheusUrl: string, cli: string): Promise<Alertpipe> {
  const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-storm-'));
  const port = await freePort();
  const config = [
    `prometheus: { url: ${JSON.stringify(prometheusUrl)} }`,
    'enrichers: [pod-resources]',
    `delivery: { queue: sqlite, data_dir: ${JSON.stringify(path.join(dir, 'data'))} }`,
    'routes:',
    ...Array.from({ length: WEBHOOKS }, (_, s) => `  - { matchers: ['shard="${s}"'], actions: [slack${s}] }`),
    'actions:',
    ...Array.from({ length: WEBHOOKS }, (_, s) => `  slack${s}: { type: slack, webhook_url: ${JSON.stringify(webhook(s))} }`),
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'alertpipe.yml'), config);
  // To profile alertpipe through the storm: STORM_NODE_ARGS='--cpu-prof --cpu-prof-dir=DIR'; its
  // timeline (notifications accepted, enrichment rounds, attempts, in its debug log): STORM_LOG=FILE.
  const nodeArgs = (process.env.STORM_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const timelineLog = process.env.STORM_LOG ? openSync(process.env.STORM_LOG, 'w') : undefined;
  const child = spawn(process.execPath, [...nodeArgs, cli, '-f', path.join(dir, 'alertpipe.yml'), '-l', `127.0.0.1:${port}`], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      LOG_LEVEL: timelineLog === undefined ? 'warn' : 'debug',
      LOG_FORMAT: 'json',
    },
    stdio: ['ignore', timelineLog ?? 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${url}/readyz`)).ok) return { url, process: child, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) break;
    await sleep(100);
  }
  await stop();
  throw new Error('alertpipe did not start for the storm');
}

// /proc/PID/stat: utime and stime are fields 14 and 15, counted after the command name (which
// may hold spaces, hence from the last parenthesis), in clock ticks of 1/100 s on Linux.
function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function peakRssMiBOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
