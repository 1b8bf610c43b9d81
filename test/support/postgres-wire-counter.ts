/**
 * PostgreSQL round trips counted on the wire: a loopback TCP proxy between a client and a server
 * reads the frontend protocol (v3) and counts each message that makes the client wait for the
 * server (a Sync after an extended-protocol query, or a simple Query), attributing it to the
 * statements sent since the previous one. The bench's round-trip row and the test that holds the
 * hot path to its budget both count with it.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;

export interface WireCount {
  trips: number;
  byStatement: Map<string, number>;
}

/** A proxy that forwards to `target` and counts round trips per statement. */
export async function countingProxy(target: {
  host: string;
  port: number;
}): Promise<{ port: number; count: WireCount; close(): Promise<void> }> {
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

function record(count: WireCount, statements: readonly string[]): void {
  const key = statements.length === 0 ? '(sync alone)' : statements.map(shorten).join(' + ');
  count.byStatement.set(key, (count.byStatement.get(key) ?? 0) + 1);
}

/** A statement's first words and the table it works on, enough to tell the hot path's statements apart. */
function shorten(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length <= 90 ? flat : `${flat.slice(0, 87)}…`;
}

/** The fixture with alerts of their own, so that deduplication does not drop the copies' jobs. */
export function withOwnAlerts(body: string, index: number): string {
  const parsed = JSON.parse(body) as { alerts: Array<{ labels: Record<string, string>; fingerprint?: string }> };
  for (const alert of parsed.alerts) {
    delete alert.fingerprint;
    alert.labels = { ...alert.labels, copy: String(index) };
  }
  return JSON.stringify(parsed);
}
