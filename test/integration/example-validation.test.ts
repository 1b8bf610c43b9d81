import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binariesAvailable } from '../support/binaries.js';

const examples = path.resolve(import.meta.dirname, '../../examples');
const rules = path.join(examples, 'rules');
const tools = binariesAvailable('promtool', 'amtool');

function run(command: string, args: string[], cwd = examples) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe.skipIf(!tools.available)('the example rules and Alertmanager config, checked by the real tools', () => {
  const ruleFiles = readdirSync(rules).filter((f) => f.endsWith('.yml') && !f.endsWith('.test.yml'));
  const testFiles = readdirSync(rules).filter((f) => f.endsWith('.test.yml'));

  it('has a promtool unit test file for every rule file', () => {
    expect(testFiles.sort()).toEqual(ruleFiles.map((f) => f.replace(/\.yml$/, '.test.yml')).sort());
  });

  it('passes promtool check rules', () => {
    const result = run('promtool', ['check', 'rules', ...ruleFiles], rules);
    expect(result.output).not.toContain('FAILED');
    expect(result.code).toBe(0);
  });

  it('passes promtool test rules, with a case for every alert', () => {
    const result = run('promtool', ['test', 'rules', ...testFiles], rules);
    expect(result.output).not.toContain('FAILED');
    expect(result.code).toBe(0);
    const textOf = (file: string): string => readFileSync(path.join(rules, file), 'utf8');
    const tested = new Set(testFiles.flatMap((f) => [...textOf(f).matchAll(/alertname: (\w+)/g)].map((m) => m[1])));
    const defined = ruleFiles.flatMap((f) => [...textOf(f).matchAll(/- alert: (\w+)/g)].map((m) => m[1]));
    for (const alert of defined) expect(tested, `no promtool test for ${alert}`).toContain(alert);
  });

  it('passes amtool check-config', () => {
    const result = run('amtool', ['check-config', 'alertmanager.yml']);
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });
});
