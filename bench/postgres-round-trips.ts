/**
 * PostgreSQL round trips per notification, counted on the wire between alertpipe and a throwaway
 * cluster (test/support/postgres-wire-counter.ts). What the background does while idle (lease
 * renewals, the shared count, pruning) is measured over the same time before the load and
 * subtracted.
 */
import { countingProxy, withOwnAlerts } from '../test/support/postgres-wire-counter.js';
import { postgresAvailable, startPostgres } from '../test/support/real-postgres.js';

export interface RoundTrips {
  readonly perNotification: number;
  readonly lines: string[];
}

const NOTIFICATIONS = 500;
/** The statement of the oldest-unfinished gauge, read on each /metrics scrape. */
const SCRAPE = /^SELECT min\(received_at\) AS at FROM alertpipe_notifications/;
/**
 * Round trips per notification through one replica, the fixture posted NOTIFICATIONS times
 * (10 at a time) and delivered to the log action, and the statements behind them.
 */
export async function postgresRoundTrips(
  body: string,
  startAlertpipe: (config: string) => Promise<{ url: string; stop(): Promise<void> }>,
  queueDepth: (url: string) => Promise<number>,
  until: (condition: () => Promise<boolean>, timeoutMs: number) => Promise<void>,
): Promise<RoundTrips | undefined> {
  if (!postgresAvailable().available) return undefined;
  const server = await startPostgres();
  try {
    const direct = new URL(await server.createDatabase());
    const proxy = await countingProxy({ host: direct.hostname, port: Number(direct.port) });
    try {
      const proxied = new URL(direct);
      proxied.port = String(proxy.port);
      const config = `delivery: { queue: postgres, postgres: { url: ${JSON.stringify(proxied.toString())} }, max_pending: 200000 }\nactions: { log: { type: log } }\n`;
      const app = await startAlertpipe(config);
      try {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        // The background's rate, over a quiet stretch as long as the load will take.
        const idleStart = proxy.count.trips;
        const idleBegun = performance.now();
        await new Promise((resolve) => setTimeout(resolve, 3000));
        const idlePerMs = (proxy.count.trips - idleStart) / (performance.now() - idleBegun);
        const before = new Map(proxy.count.byStatement);
        const tripsBefore = proxy.count.trips;
        const begun = performance.now();
        for (let sent = 0; sent < NOTIFICATIONS; sent += 10) {
          const answers = await Promise.all(
            Array.from({ length: 10 }, (_, i) =>
              fetch(`${app.url}/alert`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: withOwnAlerts(body, sent + i),
              }),
            ),
          );
          if (answers.some((a) => a.status !== 200)) throw new Error('a POST was not acknowledged');
        }
        await until(async () => (await queueDepth(app.url)) === 0, 120_000);
        const background = idlePerMs * (performance.now() - begun);
        const all = [...proxy.count.byStatement]
          .map(([statement, n]) => [statement, n - (before.get(statement) ?? 0)] as const)
          .filter(([, n]) => n > 0)
          .sort((a, b) => b[1] - a[1]);
        // The bench waits for the queue to drain by polling /metrics, whose oldest-unfinished gauge
        // reads the store on each scrape: the observer's cost, not a notification's.
        const scrapes = all.filter(([statement]) => SCRAPE.test(statement)).reduce((sum, [, n]) => sum + n, 0);
        const trips = proxy.count.trips - tripsBefore - background - scrapes;
        const perNotification = trips / NOTIFICATIONS;
        const statements = all.slice(0, 12);
        const fmt = (n: number, digits = 1): string =>
          n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
        return {
          perNotification,
          lines: [
            `PostgreSQL round trips (one replica, ${NOTIFICATIONS} fixture notifications, each of alerts of its own, to the log action, 10 at a time): ${fmt(perNotification)} a notification on the hot path, the background's ${fmt(background / NOTIFICATIONS)} and the bench's own /metrics polling's ${fmt(scrapes / NOTIFICATIONS)} a notification subtracted.`,
            '',
            '| round trip (statements before its Sync) | per notification |',
            '| --- | ---: |',
            ...statements.map(([statement, n]) => `| \`${statement.replace(/\|/g, '\\|')}\` | ${fmt(n / NOTIFICATIONS, 2)} |`),
          ],
        };
      } finally {
        await app.stop();
      }
    } finally {
      await proxy.close();
    }
  } finally {
    server.remove();
  }
}
