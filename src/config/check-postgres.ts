import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { Config } from './schema.js';
import type { ConfigProblem } from '../lib/config-error.js';

type PostgresConfig = NonNullable<Config['delivery']['postgres']>;

/**
 * What can be told about the PostgreSQL queue's settings without connecting: the URL parses and
 * names a host and a database, and the TLS files are readable. Reaching the server is left to
 * start-up, which keeps trying (a database that starts after alertpipe is no config error).
 * Messages never repeat the URL: it usually holds a password.
 */
export function postgresProblems(postgres: PostgresConfig, baseDir: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (postgres.url !== undefined) {
    const problem = urlProblem(postgres.url);
    if (problem !== undefined) problems.push({ path: 'delivery.postgres.url', message: problem });
  }
  for (const field of ['ca_file', 'cert_file', 'key_file'] as const) {
    const file = postgres.tls?.[field];
    if (file === undefined) continue;
    try {
      accessSync(path.resolve(baseDir, file), constants.R_OK);
    } catch (error) {
      problems.push({
        path: `delivery.postgres.tls.${field}`,
        message: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      });
    }
  }
  return problems;
}

function urlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a valid URL (a password with @, / or # in it must be percent-encoded)';
  }
  // libpq also takes the host as `?host=` (a socket directory); pg follows it.
  if (parsed.hostname === '' && !parsed.searchParams.has('host'))
    return 'names no host: expected postgres://user:password@host:5432/database';
  if (parsed.port !== '' && !(Number(parsed.port) > 0 && Number(parsed.port) < 65_536)) return 'the port is not a port number';
  return undefined;
}
