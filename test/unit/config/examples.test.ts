import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load-config.js';

const dir = path.resolve(import.meta.dirname, '../../../examples/actions');

/** A value for every variable the example names, as a deployment would set them. */
function envFor(text: string): NodeJS.ProcessEnv {
  const names = [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] as string);
  return Object.fromEntries(names.map((name) => [name, name.endsWith('_URL') ? 'https://hooks.example.com/x' : 'secret-value']));
}

describe('examples/actions', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));

  it('has an example for every action type', () => {
    expect(files.map((f) => f.replace('.yml', '')).sort()).toEqual(expect.arrayContaining(['exec', 'pagerduty', 'scale', 'slack', 'webhook']));
  });

  for (const file of files) {
    it(`${file} is a valid config`, () => {
      const text = readFileSync(path.join(dir, file), 'utf8');
      const config = parseConfigText(text, file, envFor(text));
      expect(Object.values(config.actions).some((a) => a.type === file.replace('.yml', ''))).toBe(true);
    });
  }
});
