import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countingProxy, withOwnAlerts } from '../../support/postgres-wire-counter.js';
import { postgresAvailable, startPostgres, type RealPostgres } from '../../support/real-postgres.js';
import { startTestService, type TestService } from '../../support/test-service.js';

const postgres = postgresAvailable();
const FIXTURE = readFileSync(path.join(import.meta.dirname, '../../fixtures/alertmanager-0.25-firing-group.json'), 'utf8');
const NOTIFICATIONS = 200;
const AT_ONCE = 10;
/** The budget of the hot path: docs/performance.md says what each of the three is. */
const MAX_ROUND_TRIPS = 3;

/**
 * The statements a replica runs on timers whatever its load (lease renewals, the shared count,
 * the sweep and its pruning): not the path of a notification, so not counted against it.
 */
const BACKGROUND = [
  /^UPDATE alertpipe_\w+ SET lease_until/,
  /^SELECT count\(\*\)::int AS n FROM alertpipe_notifications/,
  /^UPDATE alertpipe_notifications n SET state = 'done', open_jobs = 0/,
  /^DELETE FROM alertpipe_notifications WHERE state = 'done'/,
];

describe.skipIf(!postgres.available)('PostgreSQL round trips per notification', () => {
  let server: RealPostgres;
  let direct: pg.Client;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  let service: TestService;

  beforeAll(async () => {
    server = await startPostgres();
    const url = new URL(await server.createDatabase());
    proxy = await countingProxy({ host: url.hostname, port: Number(url.port) });
    direct = new pg.Client({ connectionString: url.toString() });
    await direct.connect();
    const proxied = new URL(url);
    proxied.port = String(proxy.port);
    service = await startTestService(
      [
        'actions: { log: { type: log } }',
        `delivery: { queue: postgres, postgres: { url: ${JSON.stringify(proxied.toString())} }, max_pending: 100000 }`,
        '',
      ].join('\n'),
    );
    await service.waitForLog((line) => line.message === 'PostgreSQL queue ready', 30_000);
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
    await direct?.end();
    await proxy?.close();
    server?.remove();
  });

  async function unfinished(): Promise<number> {
    const { rows } = await direct.query<{ n: number }>(`SELECT count(*)::int AS n FROM alertpipe_notifications WHERE state <> 'done'`);
    return rows[0]!.n;
  }

  async function deliver(from: number, count: number): Promise<void> {
    for (let sent = from; sent < from + count; sent += AT_ONCE) {
      const answers = await Promise.all(
        Array.from({ length: AT_ONCE }, (_, i) => service.post('/alert', withOwnAlerts(FIXTURE, sent + i))),
      );
      expect(answers.map((a) => a.status)).toEqual(Array.from({ length: AT_ONCE }, () => 200));
    }
    const deadline = Date.now() + 60_000;
    while ((await unfinished()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await unfinished()).toBe(0);
  }

  it(`stays within ${MAX_ROUND_TRIPS} on the hot path: ingest, planning and the outcome`, async () => {
    // The schema, the first connections and the first claims are the start's, not a notification's.
    await deliver(0, AT_ONCE);
    const before = new Map(proxy.count.byStatement);
    await deliver(AT_ONCE, NOTIFICATIONS);
    const during = [...proxy.count.byStatement]
      .map(([statement, n]) => [statement, n - (before.get(statement) ?? 0)] as const)
      .filter(([statement, n]) => n > 0 && !BACKGROUND.some((pattern) => pattern.test(statement)));
    const perNotification = during.reduce((sum, [, n]) => sum + n, 0) / NOTIFICATIONS;
    const breakdown = during.map(([statement, n]) => `${(n / NOTIFICATIONS).toFixed(2)} ${statement}`).join('\n');
    expect(perNotification, breakdown).toBeLessThanOrEqual(MAX_ROUND_TRIPS);
    // Every notification was delivered: the count is of a path that did its work.
    const { rows } = await direct.query<{ n: number }>(`SELECT count(*)::int AS n FROM alertpipe_jobs WHERE state = 'succeeded'`);
    expect(rows[0]!.n).toBe(NOTIFICATIONS + AT_ONCE);
  }, 120_000);
});
