import { fixtureText } from './fixtures.js';

export interface MalformedRequest {
  readonly kind: string;
  readonly body: string;
  readonly contentType: string;
}

/** A small deterministic generator (mulberry32), so a failing case can be reproduced from its index. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALID = ['alertmanagerGroup', 'singleAlert', 'prometheusPush', 'v3NumericGroupKey', 'amExecutorPayload'].map((name) =>
  fixtureText(name),
);

// `null` is not here: Go writes it for any absent map, pointer or time, and ingest takes it as absent.
const WRONG_VALUES: readonly unknown[] = [0, -1, 1e308, true, '', 'x', [], {}, [null], { a: null }, '\u0000', '\ud800', 'NaN'];

type Generator = (next: () => number, pick: <T>(list: readonly T[]) => T) => MalformedRequest;

const json = 'application/json';

/** Every way of being wrong the tests try, each a function of the random source. */
const GENERATORS: Record<string, Generator> = {
  truncated: (next, pick) => {
    const text = pick(VALID);
    return { kind: 'truncated', body: text.slice(0, Math.max(1, Math.floor(next() * (text.length - 1)))), contentType: json };
  },
  wrongType: (_next, pick) => {
    const base = JSON.parse(pick(VALID)) as unknown;
    const alerts = Array.isArray(base) ? base : ((base as { alerts?: unknown[] }).alerts ?? [base]);
    const alert = alerts[0] as Record<string, unknown>;
    const field = pick(['labels', 'annotations', 'startsAt', 'endsAt', 'status', 'generatorURL', 'fingerprint']);
    const nonStrings = WRONG_VALUES.filter((v) => typeof v !== 'string');
    if (field === 'labels' || field === 'annotations') alert[field] = { alertname: pick([null, ...nonStrings]) };
    // Any string is a valid URL or fingerprint as far as the schema goes; only other types are wrong there.
    else if (field === 'generatorURL' || field === 'fingerprint') alert[field] = pick(nonStrings);
    else alert[field] = pick(WRONG_VALUES);
    return { kind: `wrong type in ${field}`, body: JSON.stringify(base), contentType: json };
  },
  wrongEnvelope: (_next, pick) => {
    const base = JSON.parse(VALID[0] as string) as Record<string, unknown>;
    const field = pick(['alerts', 'groupLabels', 'commonLabels', 'truncatedAlerts', 'status', 'receiver', 'externalURL']);
    const wrong: Record<string, readonly unknown[]> = {
      alerts: [null, {}, 'x', 5, []],
      groupLabels: [5, 'x', [1], { a: 1 }],
      commonLabels: [5, 'x', [1], { a: 1 }],
      truncatedAlerts: [-1, 1.5, 'x', [1]],
      status: [5, 'x', 'FIRING'],
      receiver: [5, [1], { a: 1 }],
      externalURL: [5, [1], { a: 1 }],
    };
    base[field] = pick(wrong[field] ?? [null]);
    return { kind: `wrong envelope ${field}`, body: JSON.stringify(base), contentType: json };
  },
  // A huge label value is cut and accepted (see limit-alert-fields.ts); a huge status is still wrong.
  hugeString: (next) => ({
    kind: 'huge status',
    body: JSON.stringify({ labels: { alertname: 'A' }, status: 'x'.repeat(5_000 + Math.floor(next() * 100_000)) }),
    contentType: json,
  }),
  overLimit: () => ({ kind: 'over the body limit', body: `{"labels":{"alertname":"${'y'.repeat(6 * 1024 * 1024)}"}}`, contentType: json }),
  deepNesting: (next) => {
    const depth = 1_000 + Math.floor(next() * 50_000);
    return { kind: 'deep nesting', body: `{"labels":{"alertname":${'['.repeat(depth)}${']'.repeat(depth)}}}`, contentType: json };
  },
  protoKeys: (_next, pick) => ({
    kind: '__proto__ keys',
    body: pick([
      '{"__proto__":{"polluted":true},"labels":{"alertname":5}}',
      '{"labels":{"__proto__":"x","alertname":{}}}',
      '{"alerts":[{"labels":{"alertname":"A","constructor":{"prototype":{"x":1}}}}]}',
      '[{"labels":{"__proto__":{"admin":true}}}]',
    ]),
    contentType: json,
  }),
  unicode: (_next, pick) => ({
    kind: 'unicode',
    body: pick([
      '{"labels":{"alertname":"\\ud800"}, "status": "🔥"}',
      '{"labels":{"":"empty name"}}',
      '\ufeff{"labels":{"alertname":"A"}}x',
      '{"labels":{"alertname":"A"},"startsAt":"２０２６-01-01T00:00:00Z"}',
    ]),
    contentType: json,
  }),
  nulls: (_next, pick) => ({
    kind: 'nulls',
    body: pick(['null', '[null]', '{"alerts":null}', '{"labels":null}', '{"alerts":[null]}', '{"labels":{"alertname":null}}']),
    contentType: json,
  }),
  notAnAlert: (_next, pick) => ({
    kind: 'not an alert',
    body: pick(['42', '"text"', 'true', '[]', '{}', '{"alerts":[]}', '[1,2,3]', '{"labels":{}}']),
    contentType: json,
  }),
  wrongContentType: (_next, pick) => {
    const body = pick(VALID);
    const contentType = pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']);
    // JSON labelled as a form is taken (curl -d sends it so); a form body is what that type refuses.
    return {
      kind: 'wrong content type',
      body: contentType.startsWith('application/x-www') ? 'alertname=Down&severity=critical' : body,
      contentType,
    };
  },
  binary: (next) => ({
    kind: 'binary garbage',
    body: Buffer.from(Array.from({ length: 1 + Math.floor(next() * 2000) }, () => Math.floor(next() * 256))).toString('latin1'),
    contentType: json,
  }),
  badDates: (_next, pick) => ({
    kind: 'bad dates',
    body: JSON.stringify({
      labels: { alertname: 'A' },
      startsAt: pick(
        [
          '2026-13-45T99:99:99Z',
          'yesterday',
          '2026-11-22',
          '1795349074',
          '2026-11-22T12:04',
        ] /* a zoneless time with seconds is read as UTC */,
      ),
    }),
    contentType: json,
  }),
};

/** `count` malformed requests, spread over every generator, the same for the same seed. */
export function malformedRequests(count: number, seed = 20261122): MalformedRequest[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const generators = Object.values(GENERATORS);
  return Array.from({ length: count }, (_, index) => (generators[index % generators.length] as Generator)(next, pick));
}
