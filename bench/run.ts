/**
 * `npm run bench`: alertpipe against its platform's ceiling, measured side by side in one run and
 * printed as a markdown table. Every figure is the median of BENCH_RUNS runs (default 3) of
 * BENCH_SECONDS seconds (default 4); every throughput is also given as a ratio to a bare
 * `node:http` server that reads the same body and JSON.parses it. Servers run as child processes;
 * the load generator (autocannon) runs here, so each has a core of a 2-core machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../test/support/child-service.js';
import { postgresRows, type PostgresFigures } from './postgres-rows.js';
import { postgresRoundTrips, type RoundTrips } from './postgres-round-trips.js';
import { ingestCostTable } from './ingest-cost.js';
import { stormTable } from './storm-table.js';
import type { StormRow } from './storm.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = 10;
const scratch = mkdtempSync(path.join(tmpdir(), 'alertpipe-bench-'));

// The real Alertmanager fixture (2 alerts), and a 100-alert group made from it.
const FIXTURE = readFileSync(path.join(ROOT, 'test/fixtures/alertmanager-0.25-firing-group.json'), 'utf8');
const GROUP_100 = (() => {
  const body = JSON.parse(FIXTURE) as { alerts: Array<{ labels: Record<string, string>; fingerprint?: string }> };
  const template = body.alerts[0]!;
  body.alerts = Array.from({ length: 100 }, (_, i) => {
    const { fingerprint: _fingerprint, ...rest } = structuredClone(template);
    return { ...rest, labels: { ...template.labels, pod: `cart-7d9f8b6c5-${String(i).padStart(5, '0')}` } };
  });
  return JSON.stringify(body);
})();

interface Child {
  readonly url: string;
  readonly process: ChildProcess;
  rssMiB(): number;
  stop(): Promise<void>;
}

async function startChild(args: string[], env: NodeJS.ProcessEnv, readyPath: string, port: number): Promise<Child> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}${readyPath}`, {
        method: readyPath === '/alert' ? 'POST' : 'GET',
        body: readyPath === '/alert' ? '{}' : null,
        headers: { 'content-type': 'application/json' },
      });
      if (response.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${args.join(' ')} did not start`);
    await sleep(100);
  }
  return {
    url,
    process: child,
    rssMiB: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

type Target = 'ceiling' | 'express' | 'alertpipe-memory' | 'alertpipe-sqlite' | 'alertpipe-sqlite-thread';

async function startTarget(target: Target, config = ''): Promise<Child> {
  const port = await freePort();
  if (target === 'ceiling') return startChild(['bench/servers/ceiling.mjs', String(port)], {}, '/alert', port);
  if (target === 'express') return startChild(['bench/servers/bare-express.mjs', String(port)], {}, '/alert', port);
  const dir = mkdtempSync(path.join(scratch, `${target}-`));
  const file = path.join(dir, 'alertpipe.yml');
  const queue = target === 'alertpipe-memory' ? 'memory' : 'sqlite';
  const thread = target === 'alertpipe-sqlite-thread' ? ', sqlite_thread: true' : '';
  writeFileSync(
    file,
    config ||
      `delivery: { queue: ${queue}${thread}, data_dir: ${JSON.stringify(path.join(dir, 'data'))}, max_pending: 200000 }\nactions: { log: { type: log } }\n`,
  );
  // The log action's line is at info: at warn the bench measures the pipeline, not the terminal.
  return startChild(['dist/app/cli.js', '-f', file, '-l', `127.0.0.1:${port}`], { LOG_LEVEL: 'warn', LOG_FORMAT: 'json' }, '/readyz', port);
}

export interface LoadResult {
  /** 2xx answers a second: a 503 (queue full, shutting down) is no throughput. */
  rps: number;
  /** 2xx answers. */
  accepted: number;
  /** 503 answers, counted apart. */
  unavailable: number;
  p50: number;
  p99: number;
  p999: number;
  failed: number;
}

async function load(
  url: string,
  body: string,
  options: { seconds?: number; rate?: number; amount?: number; connections?: number } = {},
): Promise<LoadResult> {
  const result = await autocannon({
    url: `${url}/alert`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: options.connections ?? CONNECTIONS,
    ...(options.amount ? { amount: options.amount } : { duration: options.seconds ?? SECONDS }),
    ...(options.rate ? { overallRate: options.rate } : {}),
  });
  const seconds = (new Date(result.finish).getTime() - new Date(result.start).getTime()) / 1000;
  const unavailable = (result.statusCodeStats as Record<string, { count: number } | undefined>)['503']?.count ?? 0;
  return {
    rps: result['2xx'] / seconds,
    accepted: result['2xx'],
    unavailable,
    p50: result.latency.p50,
    p99: result.latency.p99,
    p999: (result.latency as unknown as { p99_9: number }).p99_9,
    failed: result.non2xx - unavailable + result.errors + result.timeouts,
  };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function medianOf(results: LoadResult[]): LoadResult {
  return {
    rps: median(results.map((r) => r.rps)),
    accepted: results.reduce((sum, r) => sum + r.accepted, 0),
    unavailable: results.reduce((sum, r) => sum + r.unavailable, 0),
    p50: median(results.map((r) => r.p50)),
    p99: median(results.map((r) => r.p99)),
    p999: median(results.map((r) => r.p999)),
    failed: results.reduce((sum, r) => sum + r.failed, 0),
  };
}

/**
 * 2xx answers a second while the load lasts, and, for alertpipe, what it sustains: everything acknowledged
 * divided by the time until the queue has drained (acknowledging can run ahead of delivery for a
 * while; that is what the queue is for, but not forever).
 */
async function throughput(target: Target, body: string): Promise<LoadResult & { sustained?: number }> {
  const server = await startTarget(target);
  try {
    const started = performance.now();
    const runs: LoadResult[] = [await load(server.url, body, { seconds: 1 })]; // warm-up: JIT, connections, SQLite pages
    for (let i = 0; i < RUNS; i++) runs.push(await load(server.url, body));
    const result = medianOf(runs.slice(1));
    if (!target.startsWith('alertpipe')) return result;
    await until(async () => (await queueDepth(server.url)) === 0, 180_000);
    const accepted = runs.reduce((sum, r) => sum + r.accepted, 0);
    return { ...result, sustained: accepted / ((performance.now() - started) / 1000) };
  } finally {
    await server.stop();
  }
}

async function queueDepth(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^alertpipe_queue_depth (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

/** A Prometheus that answers every query with an empty result after 5 ms, counting them. */
async function prometheusStandIn(): Promise<{ url: string; queries: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count += 1;
      const resultType = req.url?.startsWith('/api/v1/query_range') ? 'matrix' : 'vector';
      setTimeout(
        () =>
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ status: 'success', data: { resultType, result: [] } })),
        5,
      );
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, queries: () => count, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A Slack that answers `ok` and notes when each bench pod first appears in a message. */
async function slackStandIn(): Promise<{ url: string; receivedAt: Map<string, number>; close: () => Promise<void> }> {
  const receivedAt = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const now = performance.now();
      for (const match of Buffer.concat(chunks)
        .toString('utf8')
        .matchAll(/bench-(\d+)-(\d+)/g))
        if (!receivedAt.has(match[0])) receivedAt.set(match[0], now);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, receivedAt, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const SHARDS = 20;

function alertBody(round: number, pods: number, shard: number): string {
  return JSON.stringify({
    version: '4',
    status: 'firing',
    receiver: 'bench',
    groupKey: `{}:{alertname="Bench${round}"}`,
    alerts: Array.from({ length: pods }, (_, i) => ({
      status: 'firing',
      labels: { alertname: `Bench${round}`, namespace: 'bench', pod: `bench-${round}-${i}`, container: 'app', shard: String(shard) },
      annotations: { summary: 'bench' },
      startsAt: new Date().toISOString(),
    })),
  });
}

/** POST → Slack stand-in latency, and PromQL queries per notification at 1, 10 and 100 pods. */
async function endToEnd(): Promise<{ p50: number; p99: number; samples: number; queries: Record<number, number> }> {
  const prometheus = await prometheusStandIn();
  const slack = await slackStandIn();
  // One Slack webhook per shard: Slack's own limit (about 1 a second per webhook) would otherwise
  // be what this measures.
  const config = [
    `prometheus: { url: "${prometheus.url}" }`,
    'enrichers: [pod-resources]',
    `delivery: { queue: sqlite, data_dir: ${JSON.stringify(path.join(scratch, 'e2e-data'))} }`,
    'routes:',
    ...Array.from({ length: SHARDS }, (_, i) => `  - { matchers: ['shard="${i}"'], actions: [slack${i}] }`),
    'actions:',
    ...Array.from({ length: SHARDS }, (_, i) => `  slack${i}: { type: slack, webhook_url: "${slack.url}/services/T0/B0/shard${i}" }`),
  ].join('\n');
  const server = await startTarget('alertpipe-sqlite', config);
  try {
    const sentAt = new Map<string, number>();
    const post = async (body: string, key: string): Promise<void> => {
      sentAt.set(key, performance.now());
      const response = await fetch(`${server.url}/alert`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (response.status !== 200) throw new Error(`POST answered ${response.status}`);
    };
    const samples = 100;
    for (let round = 0; round < samples; round++) {
      await post(alertBody(round, 1, round % SHARDS), `bench-${round}-0`);
      await sleep(1000 / SHARDS); // each shard once a second
    }
    await until(() => [...sentAt.keys()].every((key) => slack.receivedAt.has(key)), 30_000);
    const latencies = [...sentAt].map(([key, at]) => slack.receivedAt.get(key)! - at);

    const queries: Record<number, number> = {};
    for (const [index, pods] of [1, 10, 100].entries()) {
      await sleep(1100);
      const before = prometheus.queries();
      const round = 1000 + index;
      await post(alertBody(round, pods, 0), `bench-${round}-0`);
      await until(() => slack.receivedAt.has(`bench-${round}-0`), 30_000);
      queries[pods] = prometheus.queries() - before;
    }
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), samples, queries };
  } finally {
    await server.stop();
    await prometheus.close();
    await slack.close();
  }
}

/** Resident memory after 50,000 and 100,000 notifications through the default (SQLite) setup. */
async function memory(): Promise<{ start: number; at50k: number; at100k: number }> {
  const server = await startTarget('alertpipe-sqlite');
  try {
    await sleep(500);
    const start = server.rssMiB();
    // Measured once each batch is delivered, not while the queue still drains.
    await load(server.url, FIXTURE, { amount: 50_000 });
    await until(async () => (await queueDepth(server.url)) === 0, 180_000);
    const at50k = server.rssMiB();
    await load(server.url, FIXTURE, { amount: 50_000 });
    await until(async () => (await queueDepth(server.url)) === 0, 180_000);
    return { start, at50k, at100k: server.rssMiB() };
  } finally {
    await server.stop();
  }
}

/** The answer's latency at a fixed 1,000 requests/s, right after a second of it: the median of the runs. */
async function atFixedRate(target: Target): Promise<LoadResult> {
  const fixed = await startTarget(target);
  const runs: LoadResult[] = [];
  try {
    await load(fixed.url, FIXTURE, { seconds: 1, rate: 1000 });
    for (let i = 0; i < RUNS; i++) runs.push(await load(fixed.url, FIXTURE, { rate: 1000 }));
  } finally {
    await fixed.stop();
  }
  return medianOf(runs);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not done within ${timeoutMs} ms`);
    await sleep(20);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Which parts run: all unless BENCH_PARTS names some (`ingest,latency,e2e,memory,cost,storm,pg-trips`). */
const PARTS = new Set((process.env.BENCH_PARTS ?? 'ingest,latency,e2e,memory,cost,storm,pg-trips').split(',').map((p) => p.trim()));

async function main(): Promise<void> {
  const started = Date.now();
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}, ${RUNS} runs of ${SECONDS} s, ${CONNECTIONS} connections`;
  console.error(`bench: ${machine}`);
  const rows: string[] = [];
  const figures = new Map<string, LoadResult & { sustained?: number }>();
  let postgres: PostgresFigures[] = [];
  for (const [label, body, alerts] of PARTS.has('ingest')
    ? ([
        ['fixture (2 alerts)', FIXTURE, 2],
        ['100-alert group', GROUP_100, 100],
      ] as const)
    : []) {
    const results = new Map<Target, LoadResult & { sustained?: number }>();
    for (const target of ['ceiling', 'express', 'alertpipe-memory', 'alertpipe-sqlite', 'alertpipe-sqlite-thread'] as const) {
      console.error(`bench: ${target}, ${label}`);
      results.set(target, await throughput(target, body));
      figures.set(`${alerts} ${target}`, results.get(target)!);
    }
    const ceiling = results.get('ceiling')!.rps;
    const express = results.get('express')!.rps;
    for (const [target, r] of results) {
      const sustained = r.sustained === undefined ? '' : `${fmt(r.sustained)} (${fmt(r.sustained / r.rps, 2)})`;
      rows.push(
        `| ${label} | ${target === 'ceiling' ? 'node:http ceiling' : target === 'express' ? 'bare express 5' : target} | ${fmt(r.rps)} | ${fmt(r.rps * alerts)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.p999, 1)} | ${fmt(r.rps / ceiling, 2)} | ${fmt(r.rps / express, 2)} | ${sustained} | ${r.unavailable} | ${r.failed} |`,
      );
    }
    // The shared queue, with one and three replicas: the fixture only, to keep the bench's time.
    if (alerts === 2) {
      const common = {
        body,
        label,
        alerts,
        ceilingRps: ceiling,
        expressRps: express,
        runs: RUNS,
        connections: CONNECTIONS,
        load,
        medianOf,
        queueDepth,
        until,
        fmt,
      };
      const measured = await postgresRows({ ...common, startAlertpipe: (config) => startTarget('alertpipe-sqlite', config) });
      rows.push(...measured.rows);
      postgres = measured.figures;
    }
  }

  let atRate: LoadResult | undefined;
  let atRateThreaded: LoadResult | undefined;
  if (PARTS.has('latency')) {
    console.error('bench: p99 at a fixed 1,000 requests/s');
    atRate = await atFixedRate('alertpipe-sqlite');
    atRateThreaded = await atFixedRate('alertpipe-sqlite-thread');
  }

  const measures: string[] = [];
  for (const [queue, r] of [
    ['SQLite queue', atRate],
    ['SQLite queue on its own thread', atRateThreaded],
  ] as const)
    if (r)
      measures.push(
        `| acknowledgement latency at a fixed 1,000 requests/s (${queue}, fixture) | p50 ${fmt(r.p50, 1)} ms, p99 ${fmt(r.p99, 1)} ms, p99.9 ${fmt(r.p999, 1)} ms, ${r.unavailable} 503s, ${r.failed} other non-2xx |`,
      );
  if (PARTS.has('e2e')) {
    console.error('bench: end to end, and queries per notification');
    const e2e = await endToEnd();
    measures.push(
      `| end to end, POST to the Slack stand-in's receipt, Prometheus answering in 5 ms (${e2e.samples} notifications) | p50 ${fmt(e2e.p50, 1)} ms, p99 ${fmt(e2e.p99, 1)} ms |`,
      `| PromQL queries per notification at 1, 10, 100 pods | ${e2e.queries[1]}, ${e2e.queries[10]}, ${e2e.queries[100]} |`,
    );
  }
  let rss: { start: number; at50k: number; at100k: number } | undefined;
  if (PARTS.has('memory')) {
    console.error('bench: memory over 100,000 notifications');
    rss = await memory();
    measures.push(
      `| resident memory: at start, after 50,000, after 100,000 notifications (SQLite queue) | ${fmt(rss.start)} MiB, ${fmt(rss.at50k)} MiB, ${fmt(rss.at100k)} MiB (${rss.at100k >= rss.at50k ? '+' : ''}${fmt(((rss.at100k - rss.at50k) / rss.at50k) * 100, 1)}% from 50,000 to 100,000) |`,
    );
  }
  let trips: RoundTrips | undefined;
  if (PARTS.has('pg-trips')) {
    console.error('bench: PostgreSQL round trips per notification');
    trips = await postgresRoundTrips(FIXTURE, (config) => startTarget('alertpipe-sqlite', config), queueDepth, until);
  }
  console.error('bench: per-alert cost of ingest');
  const ingestCost = PARTS.has('cost') ? await ingestCostTable(FIXTURE) : [];
  const storm = PARTS.has('storm') ? await stormTable((line) => console.error(`bench: ${line}`)) : { lines: [], rows: [] };

  const out = [
    `Machine: ${machine}.`,
    '',
    ...(rows.length > 0
      ? [
          '| body | server | 2xx/s | alerts/s | p50 ms | p99 ms | p99.9 ms | ratio to ceiling | ratio to express | sustained through delivery/s (of acknowledged) | 503s | other non-2xx |',
          '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
          ...rows,
          '',
        ]
      : []),
    ...(measures.length > 0 ? ['| measure | result |', '| --- | --- |', ...measures, ''] : []),
    ...(trips ? [...trips.lines, ''] : []),
    ...(ingestCost.length > 0 ? [...ingestCost, ''] : []),
    ...(storm.lines.length > 0 ? [...storm.lines, ''] : []),
    ...goalsTable({ figures, postgres, atRate, rss, storm: storm.rows, trips }),
    `Took ${fmt((Date.now() - started) / 1000)} s.`,
  ];
  console.log(out.join('\n'));
}

/** The goals, each as this run's ratio or figure; a goal whose part did not run is left out. */
function goalsTable(run: {
  figures: ReadonlyMap<string, LoadResult & { sustained?: number }>;
  postgres: readonly PostgresFigures[];
  atRate: LoadResult | undefined;
  rss: { at100k: number } | undefined;
  storm: readonly StormRow[];
  trips: RoundTrips | undefined;
}): string[] {
  const lines: string[] = [];
  const row = (measure: string, value: string, goal: string, met: boolean): void => {
    lines.push(`| ${measure} | ${value} | ${goal} | ${met ? 'met' : 'short'} |`);
  };
  const get = (key: string) => run.figures.get(key);
  const [sqlite2, ceiling2, sqlite100, express100] = [
    get('2 alertpipe-sqlite'),
    get('2 ceiling'),
    get('100 alertpipe-sqlite'),
    get('100 express'),
  ];
  if (sqlite2 && ceiling2)
    row('fixture 2xx/s vs node:http ceiling (SQLite)', fmt(sqlite2.rps / ceiling2.rps, 2), '≥ 0.35', sqlite2.rps / ceiling2.rps >= 0.35);
  if (sqlite100 && express100)
    row(
      '100-alert group 2xx/s vs bare express (SQLite)',
      fmt(sqlite100.rps / express100.rps, 2),
      '≥ 0.5',
      sqlite100.rps / express100.rps >= 0.5,
    );
  if (run.atRate)
    row('p99 acknowledgement at 1,000 req/s while delivering', `${fmt(run.atRate.p99, 1)} ms`, '≤ 10 ms', run.atRate.p99 <= 10);
  if (sqlite2?.sustained !== undefined)
    row(
      'sustained through delivery vs acknowledged (SQLite)',
      fmt(sqlite2.sustained / sqlite2.rps, 2),
      '≥ 0.8',
      sqlite2.sustained / sqlite2.rps >= 0.8,
    );
  const [one, three] = [run.postgres.find((p) => p.replicas === 1), run.postgres.find((p) => p.replicas === 3)];
  if (one && sqlite2)
    row('PostgreSQL, one replica, vs SQLite acknowledged', fmt(one.rps / sqlite2.rps, 2), '≥ 0.7', one.rps / sqlite2.rps >= 0.7);
  if (one && three)
    row(
      'PostgreSQL, three replicas sustained, vs one',
      fmt(three.sustained / one.sustained, 2),
      '≥ 1.5',
      three.sustained / one.sustained >= 1.5,
    );
  if (run.trips)
    row('PostgreSQL round trips per notification (hot path)', fmt(run.trips.perNotification, 1), '≤ 3', run.trips.perNotification <= 3);
  // With builds compared (STORM_BUILDS), the last one of the last round, beside the Alertmanager-alone run of that round.
  const through = run.storm.at(-1);
  const alone = run.storm.findLast((row) => row.processes.length === 1);
  if (alone && through && through !== alone) {
    const ratio = through.lastMessageSeconds / alone.lastMessageSeconds;
    row('storm: last message vs Alertmanager alone', `${fmt(ratio, 1)}×`, '≤ 2×', ratio <= 2);
    row('storm: PromQL queries for 1,000 groups', fmt(through.promqlQueries), '≤ 100', through.promqlQueries <= 100);
  }
  if (run.rss) row('RSS after 100,000 notifications', `${fmt(run.rss.at100k)} MiB`, '≤ 150 MiB', run.rss.at100k <= 150);
  return lines.length === 0 ? [] : ['| goal | this run | goal | |', '| --- | ---: | ---: | --- |', ...lines, ''];
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(scratch, { recursive: true, force: true }));
