/**
 * PostgreSQL round trips per notification, counted on the wire: a loopback TCP proxy between
 * alertpipe and a throwaway cluster reads the frontend protocol (v3) and counts each message that
 * makes the client wait for the server (a Sync after an extended-protocol query, or a simple
 * Query), attributing it to the statements sent since the previous one. What the background
 * does while idle (lease renewals, the shared count, pruning) is measured over the same time
 * before the load and subtracted.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { postgresAvailable, startPostgres } from '../test/support/real-postgres.js';

export interface RoundTrips {
  readonly perNotification: number;
  readonly lines: string[];
}

const NOTIFICATIONS = 500;
const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;

interface WireCount {
  trips: number;
  byStatement: Map<string, number>;
}

/** A proxy that forwards to `target` and counts round trips per statement. */
async function countingProxy(target: { host: string; port: number }): Promise<{ port: number; count: WireCount; close(): Promise<void> }> {
  const count: WireCount = { trips: 0, byStatement: new Map() };
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    for (const s of [client, upstream]) s.on('close', () => sockets.delete(s));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    upstream.pipe(client);
    let pending = Buffer.alloc(0);
    let startup = true;
    const named = new Map<string, string>();
    let since: string[] = [];
    let lastParsed = '';
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        if (startup) {
          if (pending.length < 8) break;
          const length = pending.readInt32BE(0);
          if (pending.length < length) break;
          const code = pending.readInt32BE(4);
          pending = pending.subarray(length);
          if (code !== SSL_REQUEST && code !== GSS_REQUEST) startup = false;
          continue;
        }
        if (pending.length < 5) break;
        const type = String.fromCharCode(pending[0]!);
        const length = pending.readInt32BE(1);
        if (pending.length < 1 + length) break;
        const body = pending.subarray(5, 1 + length);
        pending = pending.subarray(1 + length);
        const cstrings = (buffer: Buffer): string[] => buffer.toString('utf8').split('\0');
        if (type === 'P') {
          const [name = '', text = ''] = cstrings(body);
          lastParsed = text;
          if (name) named.set(name, text);
        } else if (type === 'B') {
          const [, statement = ''] = cstrings(body);
          since.push(statement ? (named.get(statement) ?? statement) : lastParsed);
        } else if (type === 'Q') {
          count.trips++;
          record(count, [cstrings(body)[0] ?? '']);
        } else if (type === 'S') {
          count.trips++;
          record(count, since);
          since = [];
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    count,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The fixture with alerts of their own, so that deduplication does not drop the copies' jobs. */
function distinct(body: string, index: number): string {
  const parsed = JSON.parse(body) as { alerts: Array<{ labels: Record<string, string>; fingerprint?: string }> };
  for (const alert of parsed.alerts) {
    delete alert.fingerprint;
    alert.labels = { ...alert.labels, bench: String(index) };
  }
  return JSON.stringify(parsed);
}

function record(count: WireCount, statements: readonly string[]): void {
  const key = statements.length === 0 ? '(sync alone)' : statements.map(shorten).join(' + ');
  count.byStatement.set(key, (count.byStatement.get(key) ?? 0) + 1);
}

/** A statement's first words and the table it works on, enough to tell the hot path's statements apart. */
function shorten(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length <= 90 ? flat : `${flat.slice(0, 87)}…`;
}

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
                body: distinct(body, sent + i),
              }),
            ),
          );
          if (answers.some((a) => a.status !== 200)) throw new Error('a POST was not acknowledged');
        }
        await until(async () => (await queueDepth(app.url)) === 0, 120_000);
        const background = idlePerMs * (performance.now() - begun);
        const trips = proxy.count.trips - tripsBefore - background;
        const perNotification = trips / NOTIFICATIONS;
        const statements = [...proxy.count.byStatement]
          .map(([statement, n]) => [statement, n - (before.get(statement) ?? 0)] as const)
          .filter(([, n]) => n > 0)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 12);
        const fmt = (n: number, digits = 1): string =>
          n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
        return {
          perNotification,
          lines: [
            `PostgreSQL round trips (one replica, ${NOTIFICATIONS} fixture notifications, each of alerts of its own, to the log action, 10 at a time): ${fmt(perNotification)} a notification, the background's ${fmt(background / NOTIFICATIONS)} a notification subtracted.`,
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
