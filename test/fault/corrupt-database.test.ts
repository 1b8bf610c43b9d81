import { mkdtempSync, openSync, rmSync, writeSync, closeSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startChildService } from '../support/child-service.js';
import { reportFigure } from '../support/figures.js';
import { startHttpStandIn, type HttpStandIn } from '../support/http-stand-in.js';
import { alertBody, post, spawnAlertpipe, writeStoreConfig } from '../support/store-faults.js';

let receiver: HttpStandIn;
let dir: string;

beforeAll(async () => {
  // Down, so that the 16 notifications stay in the queue, as in the break this reproduces.
  receiver = await startHttpStandIn(() => ({ status: 503, body: 'down' }));
  dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-corrupt-'));
});
afterAll(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A real queue with 16 acknowledged notifications in it, left by a clean stop. */
async function queueWithSixteen(name: string): Promise<{ config: string; file: string; port: number }> {
  const dataDir = path.join(dir, name);
  const config = writeStoreConfig(path.join(dir, `${name}.yml`), dataDir, `{ type: webhook, url: "${receiver.url}/${name}", timeout: 2s }`);
  const port = await freePort();
  const child = await startChildService({ configFile: config, port });
  for (let seq = 0; seq < 16; seq++) expect((await post(child.url, alertBody(name, seq, 'x'.repeat(2000)))).status).toBe(200);
  child.process.kill('SIGTERM');
  expect(await child.exited).toBe(0);
  return { config, file: path.join(dataDir, 'alertpipe.db'), port };
}

/** Overwrites `count` pages of 4 KiB (SQLite's default page size) from page `first` (1-based). */
function overwritePages(file: string, first: number, count: number): void {
  const fd = openSync(file, 'r+');
  const garbage = Buffer.alloc(4096 * count, 0xa5);
  writeSync(fd, garbage, 0, garbage.length, (first - 1) * 4096);
  closeSync(fd);
}

describe('a corrupted database at start', () => {
  it.each([
    // Data pages only: the schema reads fine, so the database opens and only a check finds the damage.
    ['data pages overwritten', 'data', (file: string) => overwritePages(file, Math.floor((statSync(file).size / 4096) * 0.6), 4)],
    ['the header page overwritten', 'header', (file: string) => overwritePages(file, 1, 1)],
  ])(
    '%s: refuses to start, naming the file and what to do',
    async (_what, name, corrupt) => {
      const { config, file, port } = await queueWithSixteen(name);
      corrupt(file);
      const child = spawnAlertpipe(config, port);
      const started = await Promise.race([child.listening, new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 15_000))]);
      let answer: number | undefined;
      if (started) answer = (await post(child.url, alertBody(name, 99)).catch(() => ({ status: 0 }))).status;
      child.process.kill('SIGKILL');
      const code = await child.exited;
      const message = child.output.find((line) => line.includes('is damaged')) ?? '';
      reportFigure(`corrupt database at start (${name})`, {
        started,
        exitCode: code,
        postAnswer: answer ?? null,
        message: message.slice(0, 160),
      });
      expect(started).toBe(false);
      expect(code).toBe(1);
      expect(message).toContain(file);
      expect(message).toContain('.recover');
      expect(message).toContain('move it aside');
    },
    60_000,
  );
});
