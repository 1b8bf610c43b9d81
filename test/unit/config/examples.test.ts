import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load-config.js';

const root = path.resolve(import.meta.dirname, '../../..');
const dir = path.join(root, 'examples/actions');
// Every top-level section of alertpipe's config: a block whose keys are all among these is one of ours.
const CONFIG_SECTIONS = new Set(['server', 'prometheus', 'alertmanager', 'enrichers', 'routes', 'actions', 'delivery']);

/** A value for every variable the example names, as a deployment would set them. */
function envFor(text: string): NodeJS.ProcessEnv {
  const names = [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] as string);
  const value = (name: string): string =>
    name === 'DATABASE_URL'
      ? 'postgres://alertpipe:secret@db.example:5432/alertpipe'
      : // Slack's app-level token is checked for its xapp- prefix.
        name === 'SLACK_APP_TOKEN'
        ? 'xapp-1-A0APP0001-1-secret-value'
        : name.endsWith('_URL')
          ? 'https://hooks.example.com/x'
          : 'secret-value';
  return Object.fromEntries(names.map((name) => [name, value(name)]));
}

describe('examples/actions', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));

  it('has an example for every action type', () => {
    expect(files.map((f) => f.replace('.yml', '')).sort()).toEqual(
      expect.arrayContaining(['exec', 'pagerduty', 'scale', 'slack', 'webhook']),
    );
  });

  for (const file of files) {
    it(`${file} is a valid config`, () => {
      const text = readFileSync(path.join(dir, file), 'utf8');
      const config = parseConfigText(text, file, envFor(text));
      expect(Object.values(config.actions).some((a) => a.type === file.replace('.yml', ''))).toBe(true);
    });
  }
});

/** The README and every page under docs/, as paths from the repository's root. */
function docFiles(): string[] {
  const docs = readdirSync(path.join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => path.posix.join('docs', file.split(path.sep).join('/')))
    .sort();
  return ['README.md', ...docs];
}

/** A file's YAML blocks that are alertpipe configs (not Alertmanager's or Prometheus's). */
function configBlocks(file: string): string[] {
  const blocks = [...readFileSync(path.join(root, file), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  return blocks.filter((block) => {
    const sections = [...block.matchAll(/^([A-Za-z_]+):/gm)].map((m) => m[1] as string);
    return sections.length > 0 && sections.every((section) => CONFIG_SECTIONS.has(section));
  });
}

describe('the README and docs/', () => {
  const configs = docFiles().flatMap((file) => configBlocks(file).map((text, index) => ({ file, index, text })));

  it('have their config examples found by this test', () => {
    expect(configs.length).toBeGreaterThanOrEqual(6);
  });

  for (const { file, index, text } of configs) {
    it(`${file} config example ${index + 1} loads as printed, with \${VAR:-} variables left unset`, () => {
      // Only the variables without a default are set: a `${VAR:-}` must work with nothing set.
      const required = [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] as string);
      const env = envFor(required.map((name) => `\${${name}}`).join(' '));
      expect(() => parseConfigText(text, `${file} example ${index + 1}`, env)).not.toThrow();
    });
  }
});
