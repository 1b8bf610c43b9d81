/**
 * The per-alert cost of the path to the 2xx, measured in-process against `JSON.parse` of the same
 * body: parsing (`parseJsonBody`), validating and normalizing (`normalize`), and encoding for the
 * store (`encodeNotification`). Rounds of each are interleaved and the median ratio kept, so that
 * a shared machine's noise falls on both sides of every ratio alike.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// The built code, as the service runs it (the bench builds first): the TypeScript loader's own
// wrappers would otherwise be part of what is timed.
const dist = (file: string): string => pathToFileURL(path.resolve(import.meta.dirname, '../dist', file)).href;
async function loadIngest(): Promise<{
  encodeNotification: typeof import('../src/store/notification-codec.js').encodeNotification;
  fingerprintOf: typeof import('../src/http/ingest/fingerprint.js').fingerprintOf;
  normalize: typeof import('../src/http/ingest/normalize.js').normalize;
  parseJsonBody: typeof import('../src/http/parse-json.js').parseJsonBody;
}> {
  return {
    ...((await import(dist('store/notification-codec.js'))) as typeof import('../src/store/notification-codec.js')),
    ...((await import(dist('http/ingest/fingerprint.js'))) as typeof import('../src/http/ingest/fingerprint.js')),
    ...((await import(dist('http/ingest/normalize.js'))) as typeof import('../src/http/ingest/normalize.js')),
    ...((await import(dist('http/parse-json.js'))) as typeof import('../src/http/parse-json.js')),
  };
}

export interface IngestCost {
  readonly alerts: number;
  /** Microseconds per group. */
  readonly parseUs: number;
  /** `normalize` alone (validation included), as a multiple of `JSON.parse`. */
  readonly normalizeRatio: number;
  /** `encodeNotification`, as a multiple of `JSON.parse`. */
  readonly encodeRatio: number;
}

/**
 * A group of `size` alerts made from the fixture's first alert, each with its own pod. With
 * `fingerprints`, each alert carries one, as Alertmanager sends them; without, they are computed.
 */
export async function makeGroup(fixture: string, size: number, fingerprints: boolean): Promise<string> {
  const { fingerprintOf } = await loadIngest();
  const body = JSON.parse(fixture) as { alerts: Array<{ labels: Record<string, string>; fingerprint?: string }> };
  const template = body.alerts[0]!;
  body.alerts = Array.from({ length: size }, (_, i) => {
    const { fingerprint: _fingerprint, ...rest } = structuredClone(template);
    const labels = { ...template.labels, pod: `cart-7d9f8b6c5-${String(i).padStart(5, '0')}` };
    return fingerprints ? { ...rest, labels, fingerprint: fingerprintOf(labels) } : { ...rest, labels };
  });
  return JSON.stringify(body);
}

function timeOf(work: () => unknown, iterations: number): number {
  const started = performance.now();
  for (let i = 0; i < iterations; i++) work();
  return (performance.now() - started) / iterations;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median of `rounds` interleaved rounds, each long enough (about 20 ms a measure) to time well. */
export async function measureIngestCost(body: string, alerts: number, rounds = 15): Promise<IngestCost> {
  const { encodeNotification, normalize, parseJsonBody } = await loadIngest();
  const iterations = Math.max(5, Math.round(20_000 / (alerts * 3)));
  const fresh = (): unknown => JSON.parse(body);
  const notification = normalize(parseJsonBody(body), { originalBody: body });
  // Warm-up: every path compiled before anything is timed.
  for (let i = 0; i < 3; i++) {
    timeOf(fresh, iterations);
    timeOf(() => normalize(parseJsonBody(body), { originalBody: body }), iterations);
    timeOf(() => encodeNotification(notification), iterations);
  }
  const parse: number[] = [];
  const normalizeRatio: number[] = [];
  const encodeRatio: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const p = timeOf(fresh, iterations);
    // parseJsonBody + normalize, less JSON.parse: every object normalize sees is freshly parsed,
    // as in the service (a cached object would let it skip nothing, but would flatter the caches).
    const pn = timeOf(() => normalize(parseJsonBody(body), { originalBody: body }), iterations);
    const e = timeOf(() => encodeNotification(notification), iterations);
    const p2 = timeOf(fresh, iterations);
    const parseMs = (p + p2) / 2;
    parse.push(parseMs);
    normalizeRatio.push((pn - parseMs) / parseMs);
    encodeRatio.push(e / parseMs);
  }
  return { alerts, parseUs: median(parse) * 1000, normalizeRatio: median(normalizeRatio), encodeRatio: median(encodeRatio) };
}

/**
 * The markdown table: a 100-alert and a 1,000-alert group, each with the fingerprints
 * Alertmanager sends and without them (as Prometheus posts, computed here).
 */
export async function ingestCostTable(fixture: string): Promise<string[]> {
  const rows = [
    '| group | JSON.parse µs | validate + normalize (× JSON.parse, goal ≤ 2) | encode for the store (× JSON.parse) |',
    '| --- | ---: | ---: | ---: |',
  ];
  for (const size of [100, 1_000]) {
    for (const fingerprints of [true, false]) {
      const cost = await measureIngestCost(await makeGroup(fixture, size, fingerprints), size);
      const label = `${size.toLocaleString('en-US')} alerts, ${fingerprints ? 'fingerprints sent' : 'fingerprints computed'}`;
      rows.push(`| ${label} | ${cost.parseUs.toFixed(0)} | ${cost.normalizeRatio.toFixed(2)} | ${cost.encodeRatio.toFixed(2)} |`);
    }
  }
  return rows;
}
