import { describe, expect, it } from 'vitest';
import { postgresProblems } from '../../../src/config/check-postgres.js';

const settings = (url: string, tls?: { ca_file?: string }) => ({
  url,
  pool_size: 10,
  lease: 30_000,
  ...(tls ? { tls: { insecure_skip_verify: false, ...tls } } : {}),
});

describe('the PostgreSQL queue settings checked before start', () => {
  it('accepts a URL with a host, or with a socket directory as libpq takes it', () => {
    expect(postgresProblems(settings('postgres://alertpipe:secret@db.example:5432/alertpipe'), '.')).toEqual([]);
    expect(postgresProblems(settings('postgresql:///alertpipe?host=/var/run/postgresql'), '.')).toEqual([]);
  });

  it('refuses a URL that does not parse, without repeating its password', () => {
    const problems = postgresProblems(settings('postgres://alertpipe:se cret@[db/alertpipe'), '.');
    expect(problems.map((p) => p.path)).toEqual(['delivery.postgres.url']);
    expect(problems[0]!.message).toMatch(/not a valid URL/);
    expect(JSON.stringify(problems)).not.toContain('se cret');
  });

  it('refuses a URL that names no host', () => {
    expect(postgresProblems(settings('postgres:///alertpipe'), '.')).toEqual([
      { path: 'delivery.postgres.url', message: expect.stringMatching(/names no host/) },
    ]);
  });

  it('refuses a TLS file it cannot read, at its path', () => {
    expect(postgresProblems(settings('postgres://db/alertpipe', { ca_file: 'no-such-ca.pem' }), '/nonexistent')).toEqual([
      { path: 'delivery.postgres.tls.ca_file', message: 'cannot read the file: ENOENT' },
    ]);
  });
});
