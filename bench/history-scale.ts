// Measures the history API's listing over 100,000 stored notifications (SQLite), as the console
// uses it: the first page, filtered pages (common and rare matches), the walk through a rare
// filter, and one alert's timeline. Run: npx tsx bench/history-scale.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { HistoryQuery } from '../src/store/ports/history.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { fingerprintOf } from '../src/http/ingest/fingerprint.js';
import { serializePage } from '../src/http/history/history-page.js';
import { parseMatchers } from '../src/model/matchers.js';
import type { EnrichedNotification } from '../src/model/model.js';

const TOTAL = Number(process.env.HISTORY_TOTAL ?? 100_000);
const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-history-scale-'));
const store = new SqliteStore({ dataDir: dir, maxPending: TOTAL + 1, historyLimit: TOTAL + 1 });
const mask = (text: string): string => text;

function notification(i: number): EnrichedNotification {
  const labels = {
    alertname: `Alert${i % 50}`,
    namespace: i % 1000 === 0 ? 'rare' : `ns${i % 20}`,
    pod: `pod-${i % 5000}`,
    severity: i % 3 === 0 ? 'critical' : 'warning',
  };
  const alert = {
    fingerprint: fingerprintOf(labels),
    status: 'firing' as const,
    labels,
    annotations: { summary: `summary ${i}` },
    startsAt: new Date(1_700_000_000_000 + i * 1000),
    endsAt: null,
    generatorURL: '',
    enrichment: {},
    notes: [],
  };
  return {
    id: `n${i}`,
    receivedAt: new Date(1_700_000_000_000 + i * 1000),
    shape: 'alertmanager',
    receiver: 'pipe',
    status: 'firing',
    groupKey: `{}:{alertname="${labels.alertname}"}`,
    groupLabels: {},
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: '',
    truncatedAlerts: 0,
    alerts: [alert],
    originalBody: '{}',
  };
}

const fill = performance.now();
for (let start = 0; start < TOTAL; start += 1000) {
  const batch = Array.from({ length: Math.min(1000, TOTAL - start) }, (_, k) => notification(start + k));
  await Promise.all(batch.map((n) => store.add(n)));
  await store.claimNotifications(batch.length);
  await Promise.all(
    batch.map((n) =>
      store.saveRouted(
        n,
        [{ action: 'slack', fingerprints: [n.alerts[0]!.fingerprint] }],
        [
          {
            at: 1,
            kind: 'routed',
            fingerprints: [n.alerts[0]!.fingerprint],
            route: { index: 0, description: 'every alert', actions: ['slack'] },
          },
        ],
      ),
    ),
  );
  const claimed = await store.claimDueJobs(Date.now(), batch.length);
  await Promise.all(
    claimed.map((c, k) =>
      store.finishAttempt(
        c.job.id,
        (start + k) % 500 === 0
          ? { state: 'dead', attempt: { at: 1, durationMs: 1, outcome: 'dead', error: '503' } }
          : { state: 'succeeded', attempt: { at: 1, durationMs: 1, outcome: 'success' } },
      ),
    ),
  );
}
console.log(`stored ${TOTAL} notifications in ${((performance.now() - fill) / 1000).toFixed(1)} s`);

async function timed(name: string, query: HistoryQuery): Promise<void> {
  const runs: number[] = [];
  let shown = 0;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    const page = await store.listNotifications({ maxBytes: 8 * 1024 * 1024, ...query });
    serializePage(page, mask, 8 * 1024 * 1024);
    runs.push(performance.now() - t);
    shown = page.records.length;
  }
  runs.sort((a, b) => a - b);
  console.log(`| ${name} | ${shown} | ${runs[2]!.toFixed(1)} ms |`);
}

async function walk(name: string, query: HistoryQuery): Promise<void> {
  const t = performance.now();
  let pages = 0;
  let found = 0;
  let before: number | undefined;
  let slowest = 0;
  for (;;) {
    const p0 = performance.now();
    const page = await store.listNotifications({ maxBytes: 8 * 1024 * 1024, ...query, ...(before === undefined ? {} : { before }) });
    slowest = Math.max(slowest, performance.now() - p0);
    pages++;
    found += page.records.length;
    if (!page.more) break;
    before = page.resumeBefore ?? page.records.at(-1)!.position;
  }
  console.log(
    `| ${name}: whole history | ${found} in ${pages} pages | ${(performance.now() - t).toFixed(0)} ms in all, slowest page ${slowest.toFixed(1)} ms |`,
  );
}

console.log('| query | notifications | median of 5 |');
await timed('first page, limit 50, no filter', { limit: 50 });
await timed('first page, limit 500, no filter', { limit: 500 });
await timed('matcher severity="critical" (1 in 3), limit 50', { limit: 50, filter: { matchers: parseMatchers('severity="critical"') } });
await timed('matcher namespace="rare" (1 in 1,000), limit 50', { limit: 50, filter: { matchers: parseMatchers('namespace="rare"') } });
await timed('outcome dead (1 in 500), limit 50', { limit: 50, filter: { outcome: 'dead' } });
await timed('action slack, outcome delivered, limit 50', { limit: 50, filter: { action: 'slack', outcome: 'delivered' } });
const fp = notification(TOTAL - 7).alerts[0]!.fingerprint;
await timed('one alert (fingerprint), limit 100', { limit: 100, filter: { fingerprint: fp } });
await walk('matcher namespace="rare"', { limit: 50, filter: { matchers: parseMatchers('namespace="rare"') } });
await walk('outcome dead', { limit: 50, filter: { outcome: 'dead' } });
await store.close();
rmSync(dir, { recursive: true, force: true });
