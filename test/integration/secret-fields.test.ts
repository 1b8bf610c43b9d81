import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionTypeNames } from '../../src/integrations/registry.js';
import { collectSecrets } from '../../src/config/collect-secrets.js';
import { parseConfigText } from '../../src/config/load-config.js';
import { startHttpStandIn, type HttpStandIn } from '../support/http-stand-in.js';
import { fixtureText } from '../support/fixtures.js';
import { loadSecretExamples, MARK } from '../support/secret-examples.js';
import { startTestService } from '../support/test-service.js';

/**
 * A destination that quotes the request back in its error answer (URL, credentials, body), the
 * worst an upstream or a proxy in front of it can do.
 */
let echo: HttpStandIn;
beforeAll(async () => {
  echo = await startHttpStandIn((request) => {
    const routingKey = /"routing_key":"([^"]+)"/.exec(request.body)?.[1] ?? '';
    const quoted = `${request.url} ${request.headers.authorization ?? ''} ${request.headers['x-api-key'] ?? ''} ${routingKey}`;
    return {
      status: request.url.startsWith('/apis/') ? 403 : 400,
      body: { kind: 'Status', status: 'Failure', message: quoted, error: quoted, errors: [quoted] },
    };
  });
});
afterAll(() => echo.close());

// One file per integration beside its tests; those of second modes (the Slack app) are the extra keys.
const EXAMPLES = await loadSecretExamples();

/**
 * The example with every marked field moved into a file of its own, named by `<field>_file`. The
 * entries of a map (`headers`, an exec's `env`: `X-Api-Key`, `API_TOKEN`) are values, not fields,
 * and have no `_file`; fields are snake_case.
 */
function withSecretsInFiles(value: Record<string, unknown>, dir: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (typeof child === 'string' && child.includes(MARK) && /^[a-z][a-z0-9_]*$/.test(key)) {
      const file = `${key}-${Object.keys(out).length}.txt`;
      // With the newline an editor leaves, which is not part of the secret.
      writeFileSync(path.join(dir, file), `${child}\n`);
      out[`${key}_file`] = file;
    } else if (child !== null && typeof child === 'object' && !Array.isArray(child)) {
      out[key] = withSecretsInFiles(child as Record<string, unknown>, dir);
    } else {
      out[key] = child;
    }
  }
  return out;
}

describe('secret fields', () => {
  it('has an example for every action type in the registry', () => {
    expect(actionTypeNames.filter((type) => EXAMPLES[type] === undefined)).toEqual([]);
    // And nothing else: a second mode is named "<type> <mode>".
    expect(Object.keys(EXAMPLES).filter((key) => !actionTypeNames.includes(key.split(' ')[0]!))).toEqual([]);
  });

  for (const type of Object.keys(EXAMPLES)) {
    it(`${type}: every secret field can be given as <field>_file instead, as in Alertmanager`, () => {
      const example = EXAMPLES[type];
      if (!example) throw new Error(`no example for action type ${type}`);
      const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-secret-files-'));
      try {
        const direct = example(echo.url);
        const fromFiles = withSecretsInFiles(direct, dir);
        const parse = (action: unknown) =>
          parseConfigText(`actions:\n  under-test: ${JSON.stringify(action)}\n`, 'test', {}, { baseDir: dir }).actions['under-test'];
        expect(parse(fromFiles)).toEqual(parse(direct));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it(`${type}: its secret fields appear in no log line, no history answer and no error message`, async () => {
      const example = EXAMPLES[type];
      if (!example) throw new Error(`no example for action type ${type}`);
      const yaml = `actions:\n  under-test: ${JSON.stringify(example(echo.url))}\nroutes:\n  - actions: [under-test]\n`;
      const secrets = collectSecrets(parseConfigText(yaml, 'test', {}));
      // The schema declares the secrets: every marked value is found, whatever its field is called.
      const marked = JSON.stringify(example(echo.url)).match(new RegExp(`${MARK}[A-Za-z0-9]+`, 'g')) ?? [];
      for (const value of marked)
        expect(
          secrets.some((s) => s.includes(value)),
          value,
        ).toBe(true);

      const app = await startTestService(yaml, {}, { secrets: [] });
      try {
        const { body } = await app.post('/alert', fixtureText('alertmanagerGroup'));
        const record = await app.untilDone(String(body.id));
        if (type !== 'log') expect(record.jobs.map((j) => j.state)).toEqual(['failed']);
        const errors = record.jobs.flatMap((j) => j.attempts.map((a) => a.error ?? ''));
        const history = await (await fetch(`${app.url}/api/notifications`)).text();
        const one = await (await fetch(`${app.url}/api/notifications/${String(body.id)}`)).text();
        expect(JSON.stringify(errors)).not.toContain(MARK);
        expect(history).not.toContain(MARK);
        expect(one).not.toContain(MARK);
        expect(JSON.stringify(app.logs)).not.toContain(MARK);
      } finally {
        await app.stop();
      }
    });
  }
});
