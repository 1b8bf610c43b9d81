import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/app/cli-args.js';

const root = path.resolve(import.meta.dirname, '../../..');

/** The README and every page under docs/. */
function pages(): Array<{ file: string; text: string }> {
  const walk = (dir: string): string[] =>
    readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(path.join(dir, entry.name)) : entry.name.endsWith('.md') ? [path.join(dir, entry.name)] : [],
    );
  return ['README.md', ...walk('docs')].map((file) => ({ file, text: readFileSync(path.join(root, file), 'utf8') }));
}

/** Lines of the shell blocks (```sh, ```bash), comments cut. */
function shellLines(text: string): string[] {
  return [...text.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].flatMap((block) =>
    (block[1] as string)
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter(Boolean),
  );
}

const scripts = Object.keys((JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: object }).scripts);

describe('the commands the docs give', () => {
  it('name npm scripts that exist and files that exist', () => {
    const wrong: string[] = [];
    for (const { file, text } of pages()) {
      for (const [, name] of text.matchAll(/npm run ([a-z][a-z:-]*[a-z])/g))
        if (!scripts.includes(name as string)) wrong.push(`${file}: npm run ${name}`);
      for (const [, script] of text.matchAll(/npx tsx ([\w./-]+\.ts)/g))
        if (!existsSync(path.join(root, script as string))) wrong.push(`${file}: npx tsx ${script}`);
    }
    expect(wrong).toEqual([]);
  });

  it('give alertpipe command lines that it reads', () => {
    const lines = pages().flatMap(({ file, text }) =>
      shellLines(text)
        // A usage line ([options]) describes commands; it is not one.
        .filter((line) => line.startsWith('alertpipe ') && !line.includes('['))
        .map((line) => ({ file, line })),
    );
    expect(lines.length).toBeGreaterThan(0);
    for (const { file, line } of lines) expect(() => parseArgs(line.split(/\s+/).slice(1)), `${file}: ${line}`).not.toThrow();
  });
});
