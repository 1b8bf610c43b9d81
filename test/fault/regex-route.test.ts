import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startChildService, type ChildService } from '../support/child-service.js';
import { reportFigure } from '../support/figures.js';
import { startHttpStandIn, type HttpStandIn } from '../support/http-stand-in.js';

// Wildcards around letters, then one the value never holds: a backtracking engine tries every way
// of splitting the value among them (JavaScript's took 11.7 s at 240 characters, growing with about
// the fifth power: months for one 4 KiB value); RE2 reads the value once.
const PATHOLOGICAL = 'pod=~".*a.*a.*a.*a.*b.*"';
const ALERTS = 20;
const LABEL = 'a'.repeat(4096);
// Generous: RE2 routes the whole notification in milliseconds.
const BOUND_MS = 30_000;

let receiver: HttpStandIn;
let dir: string;
let child: ChildService | undefined;

beforeAll(async () => {
  receiver = await startHttpStandIn(() => ({ status: 200, body: 'ok' }));
  dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-regex-'));
});
afterAll(async () => {
  child?.process.kill('SIGKILL');
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a route regex that makes a backtracking engine explode', () => {
  it(
    'routes 20 alerts with 4 KiB labels past it, and the service answers throughout',
    async () => {
      const file = path.join(dir, 'alertpipe.yml');
      writeFileSync(
        file,
        [
          'actions:',
          `  receiver: { type: webhook, url: "${receiver.url}/hook", timeout: 5s }`,
          'routes:',
          `  - matchers: ['${PATHOLOGICAL}']`,
          '    actions: [log]',
          '  - actions: [receiver]',
          'delivery: { queue: memory }',
          '',
        ].join('\n'),
      );
      child = await startChildService({ configFile: file, port: await freePort() });
      const alerts = Array.from({ length: ALERTS }, (_, i) => ({ labels: { alertname: 'LongPodName', pod: LABEL, seq: String(i) } }));
      const started = Date.now();
      const posted = await fetch(`${child.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
        signal: AbortSignal.timeout(BOUND_MS),
      });
      expect(posted.status).toBe(200);

      const [delivered] = await receiver.waitForRequests(1, BOUND_MS);
      const deliveredAfterMs = Date.now() - started;
      const health = await fetch(`${child.url}/healthz`, { signal: AbortSignal.timeout(BOUND_MS) });
      expect(health.status).toBe(200);
      const body = JSON.parse(delivered!.body) as { alerts: unknown[] };
      reportFigure('pathological route regex', { alerts: ALERTS, labelBytes: LABEL.length, deliveredAfterMs });
      expect(body.alerts).toHaveLength(ALERTS);
    },
    BOUND_MS * 3,
  );
});
