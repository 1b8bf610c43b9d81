import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../support/test-service.js';

let running: TestService | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await running?.stop();
  running = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Damages the open database for real, from a second connection: the index the queue reads first is
 * pointed at another table's pages, so SQLite itself answers SQLITE_CORRUPT from then on.
 */
function corruptIndex(file: string): void {
  const other = new Database(file);
  other.unsafeMode(true);
  const root = (other.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'bodies'").get() as { rootpage: number }).rootpage;
  const version = other.pragma('schema_version', { simple: true }) as number;
  other.pragma('writable_schema = ON');
  other.prepare("UPDATE sqlite_master SET rootpage = ? WHERE name = 'notifications_by_state'").run(root);
  other.pragma(`schema_version = ${version + 1}`);
  other.close();
}

const alert = (i: number) => ({ labels: { alertname: 'Corrupt', i: String(i) } });

describe('a database damaged while alertpipe runs', () => {
  it('fails readiness with the reason, answers 503 on ingest and history, and never reports an empty queue', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'alertpipe-runtime-corrupt-'));
    dirs.push(dataDir);
    // A destination that never answers keeps the notifications unfinished.
    running = await startTestService(
      `actions: { out: { type: webhook, url: "http://127.0.0.1:9/", timeout: 1s } }\nroutes: [{ actions: [out] }]\ndelivery: { data_dir: ${dataDir} }\n`,
    );
    for (let i = 0; i < 3; i++) expect((await running.post('/alert', alert(i))).status).toBe(200);
    corruptIndex(path.join(dataDir, 'alertpipe.db'));

    const answers: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 3; i < 8; i++) {
      const answer = await running.post('/alert', alert(i));
      answers.push(answer.status);
      retryAfter ??= answer.headers.get('retry-after');
    }
    const ready = await fetch(`${running.url}/readyz`);
    const readyBody = (await ready.json()) as { failing?: Record<string, string> };
    const history = await fetch(`${running.url}/api/notifications`);
    const historyBody = (await history.json()) as { error: string };
    const metrics = await (await fetch(`${running.url}/metrics`)).text();

    // The first post after the damage may still find its pages intact; none after SQLite has said so.
    expect(answers.slice(1)).toEqual([503, 503, 503, 503]);
    expect(answers).not.toContain(500);
    expect(retryAfter).toMatch(/^\d+$/);
    expect(ready.status).toBe(503);
    expect(readyBody.failing?.store).toContain('is damaged');
    expect(history.status).toBe(503);
    expect(historyBody.error).toContain('is damaged');
    // prom-client writes NaN as `Nan`, which Prometheus parses as NaN.
    expect(metrics).toMatch(/^alertpipe_queue_depth nan$/im);
    expect(metrics).toMatch(/^alertpipe_store_errors_total\{operation="add"\} [1-9]/m);
  });
});
