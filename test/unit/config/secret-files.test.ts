import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectSecrets } from '../../../src/config/collect-secrets.js';
import { loadConfig, parseConfigText } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/lib/config-error.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-secret-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function problemsOf(text: string): string {
  try {
    parseConfigText(text, 't', {}, { baseDir: dir });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('<field>_file for secrets', () => {
  it('reads the secret from a file beside the config, without its final newline, and masks it', async () => {
    writeFileSync(path.join(dir, 'pd.key'), 'R0UTINGKEYFROMAFILE0000000000000\n');
    const file = path.join(dir, 'alertpipe.yml');
    writeFileSync(file, 'actions:\n  pd: { type: pagerduty, routing_key_file: pd.key }\n');
    const { config } = await loadConfig({ file, env: {}, cwd: '/' });
    expect(config.actions.pd).toMatchObject({ routing_key: 'R0UTINGKEYFROMAFILE0000000000000' });
    expect(config.actions.pd).not.toHaveProperty('routing_key_file');
    expect(collectSecrets(config)).toContain('R0UTINGKEYFROMAFILE0000000000000');
  });

  it('names the field and the error when the file cannot be read', () => {
    expect(problemsOf('actions:\n  pd: { type: pagerduty, routing_key_file: missing.key }\n')).toMatch(
      /actions\.pd\.routing_key_file: cannot read missing\.key: ENOENT/,
    );
  });

  it('refuses an empty file, and both the value and the file', () => {
    writeFileSync(path.join(dir, 'empty'), '\n');
    expect(problemsOf('actions:\n  pd: { type: pagerduty, routing_key_file: empty }\n')).toMatch(/routing_key_file: empty is empty/);
    writeFileSync(path.join(dir, 'k'), 'x');
    expect(problemsOf('actions:\n  pd: { type: pagerduty, routing_key: y, routing_key_file: k }\n')).toMatch(
      /actions\.pd\.routing_key_file: give routing_key or routing_key_file, not both/,
    );
  });

  it('leaves `_file` of a field that is not a secret to validation, which refuses it', () => {
    writeFileSync(path.join(dir, 'c'), 'critical');
    expect(problemsOf('actions:\n  pd: { type: pagerduty, routing_key: y, default_severity_file: c }\n')).toMatch(/default_severity_file/);
  });
});
