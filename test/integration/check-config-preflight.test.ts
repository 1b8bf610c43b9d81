import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canMakeCertificates, makeTestCertificate } from '../support/test-certificate.js';

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-preflight-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], timeout = 20_000) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/app/cli.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, LOG_FORMAT: 'json' },
    timeout,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let count = 0;
function configFile(lines: string[]): string {
  const file = path.join(dir, `config-${++count}.yml`);
  writeFileSync(file, [...lines, 'delivery: { queue: memory }', ''].join('\n'));
  return file;
}

const enricherModule = (name: string, text: string): string => {
  writeFileSync(path.join(dir, name), text);
  return `./${name}`;
};

/** Files that validated field by field but failed at start, before check-config did what start-up does. */
const BROKEN: readonly [string, () => string[], string][] = [
  ['a port past 65535', () => ['server: { listen: ":99999" }'], 'server.listen: the port must be 0 to 65535'],
  [
    'TLS files that do not exist',
    () => ['server: { tls: { cert_file: missing.crt, key_file: missing.key } }'],
    'server.tls.cert_file: cannot read the file: ENOENT',
  ],
  [
    'an enricher module that does not exist',
    () => ['enrichers: [{ module: ./no-such-enricher.mjs }]'],
    'enrichers.0: enricher module ./no-such-enricher.mjs: cannot load it',
  ],
  [
    'an enricher module that does not parse',
    () => [`enrichers: [{ module: ${enricherModule('broken.mjs', 'export default {\n')} }]`],
    'enrichers.0: enricher module ./broken.mjs: cannot load it',
  ],
  [
    'an enricher module exporting no enricher',
    () => [`enrichers: [{ module: ${enricherModule('empty.mjs', 'export default 42;\n')} }]`],
    'enrichers.0: enricher module ./empty.mjs: its default export must be an enricher',
  ],
  [
    'an action timeout past the timer limit',
    () => ['actions: { hook: { type: webhook, url: "http://127.0.0.1:9/x", timeout: 25d } }'],
    'actions.hook.timeout: too long',
  ],
];

describe('alertpipe check-config does every check start-up does', () => {
  for (const [what, lines, expected] of BROKEN) {
    it(`refuses ${what}, as start-up does, with the problem at its path`, () => {
      const file = configFile(lines());
      const checked = cli(['check-config', file]);
      expect(checked.stderr).toContain(expected);
      expect(checked.code).toBe(2);
      const started = cli(['-f', file, '-l', '127.0.0.1:0'], 15_000);
      expect(started.stderr).toContain(expected);
      expect(started.stderr).not.toMatch(/^\s+at /m);
      expect(started.code).toBe(2);
    });
  }

  it('refuses a queue directory that is a file, without creating anything', () => {
    const blocker = path.join(dir, 'not-a-dir');
    writeFileSync(blocker, '');
    const file = path.join(dir, 'data-dir.yml');
    writeFileSync(file, `delivery: { data_dir: ${path.join(blocker, 'queue')} }\n`);
    const checked = cli(['check-config', file]);
    expect(checked.stderr).toContain("delivery.data_dir: the queue's directory cannot be created:");
    expect(checked.code).toBe(2);

    const fresh = path.join(dir, 'fresh', 'queue');
    writeFileSync(file, `delivery: { data_dir: ${fresh} }\n`);
    expect(cli(['check-config', file]).code).toBe(0);
    expect(existsSync(path.dirname(fresh))).toBe(false);
  });

  it('refuses a -l address that could never be listened on', () => {
    const started = cli(['-f', configFile([]), '-l', '127.0.0.1:70000']);
    expect(started.stderr).toContain('-l: the port must be 0 to 65535');
    expect(started.code).toBe(2);
  });

  it.skipIf(!canMakeCertificates)('accepts real TLS files and an enricher module that loads, and lists every problem at once', () => {
    const { certFile, keyFile } = makeTestCertificate(dir);
    const module = enricherModule('ok.mjs', "export default { name: 'ok', enrich: async () => ({}) };\n");
    const good = configFile([`server: { tls: { cert_file: ${certFile}, key_file: ${keyFile} } }`, `enrichers: [{ module: ${module} }]`]);
    const result = cli(['check-config', good]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const mismatched = configFile([
      `server: { tls: { cert_file: ${certFile}, key_file: ${certFile} } }`,
      'enrichers: [{ module: ./gone.mjs }]',
    ]);
    const both = cli(['check-config', mismatched]);
    expect(both.stderr).toContain('2 problems');
    expect(both.stderr).toContain('server.tls: the certificate and key do not load together');
    expect(both.stderr).toContain('enrichers.0:');
  });
});
