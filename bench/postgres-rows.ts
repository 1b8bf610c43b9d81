/**
 * The bench's PostgreSQL rows: alertpipe on the shared queue with one and with three replicas,
 * beside the SQLite rows of bench/run.ts and measured the same way (a warm-up second, then the
 * median of the runs; sustained = everything acknowledged over the time until the queue drained).
 * The cluster is a throwaway one (`initdb` in a temporary directory, PostgreSQL's default
 * durability: fsync and synchronous commit on). With three replicas the load is spread over them
 * by one load generator per replica, connections split between them, as a Service in front of
 * them would; their requests/s add up and the p99 given is the worst of the three.
 */
import { postgresAvailable, startPostgres } from '../test/support/real-postgres.js';
import type { LoadResult as BenchLoad } from './run.js';

/** What run.ts already has and lends: its way of starting alertpipe and of loading it. */
export interface PostgresRowsDeps {
  /** The fixture body, and the node:http ceiling's requests/s for it (the ratios' denominator). */
  readonly body: string;
  readonly label: string;
  readonly alerts: number;
  readonly ceilingRps: number;
  /** Bare express's requests/s for it, the second ratio. */
  readonly expressRps: number;
  readonly runs: number;
  readonly connections: number;
  readonly startAlertpipe: (config: string) => Promise<{ url: string; stop(): Promise<void> }>;
  readonly load: (url: string, body: string, options: { seconds?: number; connections?: number }) => Promise<BenchLoad>;
  readonly medianOf: (results: BenchLoad[]) => BenchLoad;
  readonly queueDepth: (url: string) => Promise<number>;
  readonly until: (condition: () => Promise<boolean>, timeoutMs: number) => Promise<void>;
  readonly fmt: (n: number, digits?: number) => string;
}

/** One replica count's figures, for the goals table. */
export interface PostgresFigures {
  readonly replicas: number;
  readonly rps: number;
  readonly sustained: number;
}

/** Table rows in run.ts's format, or one row saying why there are none; and their figures. */
export async function postgresRows(deps: PostgresRowsDeps): Promise<{ rows: string[]; figures: PostgresFigures[] }> {
  const { fmt } = deps;
  if (!postgresAvailable().available)
    return {
      figures: [],
      rows: [`| ${deps.label} | alertpipe-postgres | PostgreSQL's server binaries not found: rows skipped | | | | | | | | | |`],
    };
  const server = await startPostgres();
  try {
    const rows: string[] = [];
    const figures: PostgresFigures[] = [];
    for (const replicas of [1, 3]) {
      console.error(`bench: alertpipe-postgres × ${replicas}, ${deps.label}`);
      const r = await measure(deps, await server.createDatabase(), replicas);
      figures.push({ replicas, rps: r.rps, sustained: r.sustained });
      const sustained = `${fmt(r.sustained)} (${fmt(r.sustained / r.rps, 2)})`;
      rows.push(
        `| ${deps.label} | alertpipe-postgres × ${replicas} | ${fmt(r.rps)} | ${fmt(r.rps * deps.alerts)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.p999, 1)} | ${fmt(r.rps / deps.ceilingRps, 2)} | ${fmt(r.rps / deps.expressRps, 2)} | ${sustained} | ${r.unavailable} | ${r.failed} |`,
      );
    }
    return { rows, figures };
  } finally {
    server.remove();
  }
}

async function measure(deps: PostgresRowsDeps, url: string, replicas: number): Promise<BenchLoad & { sustained: number }> {
  const config = `delivery: { queue: postgres, postgres: { url: ${JSON.stringify(url)} }, max_pending: 200000 }\nactions: { log: { type: log } }\n`;
  const started: Array<{ url: string; stop(): Promise<void> }> = [];
  try {
    for (let i = 0; i < replicas; i++) started.push(await deps.startAlertpipe(config));
    const share = (index: number): number => Math.floor(deps.connections / replicas) + (index < deps.connections % replicas ? 1 : 0);
    const spread = async (seconds?: number): Promise<BenchLoad> => {
      const parts = await Promise.all(
        started.map((app, index) => deps.load(app.url, deps.body, { ...(seconds ? { seconds } : {}), connections: share(index) })),
      );
      return {
        rps: parts.reduce((sum, p) => sum + p.rps, 0),
        accepted: parts.reduce((sum, p) => sum + p.accepted, 0),
        unavailable: parts.reduce((sum, p) => sum + p.unavailable, 0),
        p50: Math.max(...parts.map((p) => p.p50)),
        p99: Math.max(...parts.map((p) => p.p99)),
        p999: Math.max(...parts.map((p) => p.p999)),
        failed: parts.reduce((sum, p) => sum + p.failed, 0),
      };
    };
    const begun = performance.now();
    const runs: BenchLoad[] = [await spread(1)]; // warm-up: JIT, connections, the first pages
    for (let i = 0; i < deps.runs; i++) runs.push(await spread());
    // The count every replica reports is the shared one, refreshed each second.
    await deps.until(async () => (await deps.queueDepth(started[0]!.url)) === 0, 300_000);
    const accepted = runs.reduce((sum, r) => sum + r.accepted, 0);
    return { ...deps.medianOf(runs.slice(1)), sustained: accepted / ((performance.now() - begun) / 1000) };
  } finally {
    for (const app of started) await app.stop();
  }
}
