import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './child-service.js';
import { findBinary } from './binaries.js';

export interface RealPostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres`: trust authentication, loopback only. */
  readonly url: string;
  readonly port: number;
  /** A fresh, empty database in this cluster, for one test's store. */
  createDatabase(): Promise<string>;
  /** `pg_ctl stop -m fast`: connections are cut as in a server restart; the data stays. */
  stop(): void;
  /** Starts the stopped cluster again, on the same port. */
  start(): void;
  /** Stops the cluster and removes its directory. */
  remove(): void;
}

const INSTALL_HINT = 'install it with: sudo apt-get install postgresql (on macOS: brew install postgresql)';

/** Where initdb, pg_ctl and postgres live: PATH, else Debian's versioned directory. */
function binDir(): string | undefined {
  const onPath = findBinary('postgres');
  if (onPath) return path.dirname(onPath);
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : path.join(root, versions[0], 'bin');
}

/**
 * Whether tests that need a real PostgreSQL can run. Without it a developer's run skips them and
 * says how to install it; under CI (CI set) a missing PostgreSQL is a failure, never a skip.
 */
export function postgresAvailable(): { available: boolean; reason: string } {
  if (binDir() !== undefined) return { available: true, reason: '' };
  const reason = `PostgreSQL's server binaries not found; ${INSTALL_HINT}`;
  if (process.env.CI) throw new Error(`CI must run the tests that need ${reason}`);
  console.warn(`skipping: ${reason}`);
  return { available: false, reason };
}

/**
 * A throwaway PostgreSQL cluster: `initdb` in a temporary directory, then `pg_ctl start` on a free
 * loopback port with its socket in that directory. PostgreSQL refuses to run as root, so as root
 * (CI containers) the directory is handed to the `postgres` user and every command runs as it.
 */
export async function startPostgres(): Promise<RealPostgres> {
  const bin = binDir();
  if (bin === undefined) throw new Error(`no PostgreSQL: ${INSTALL_HINT}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-postgres-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const run = (command: string, args: string[]): void => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, command), ...args]] : [path.join(bin, command), args];
    const result = spawnSync(file, argv, { encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) {
      const log = existsSync(path.join(dir, 'server.log')) ? readFileSync(path.join(dir, 'server.log'), 'utf8').slice(-2000) : '';
      throw new Error(`${command} failed (${result.status ?? result.signal}): ${result.stderr}${result.stdout}\n${log}`);
    }
  };
  const data = path.join(dir, 'data');
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-instructions']);
  const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
  const start = (): void => run('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-o', settings, '-w', '-t', '60', 'start']);
  const stop = (): void => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let databases = 0;
  let running = true;
  return {
    url,
    port,
    async createDatabase() {
      const name = `t${process.pid}_${++databases}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop() {
      if (running) stop();
      running = false;
    },
    start() {
      if (!running) start();
      running = true;
    },
    remove() {
      try {
        if (running) stop();
      } finally {
        running = false;
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
