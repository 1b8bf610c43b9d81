import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureText } from '../../support/fixtures.js';
import { freePort, startChildService, type ChildService } from '../../support/child-service.js';
import { startHttpStandIn, type HttpStandIn } from '../../support/http-stand-in.js';

const TOKEN = 'reload-test-token';
let dir: string;
let configFile: string;
let hooks: HttpStandIn;
let service: ChildService;

/**
 * A config that sends every alert to the stand-in's path `/<to>` (the same group each time, so
 * without deduplication); `delivery` is that section's fields, `extra` appended as is.
 */
function writeConfig(to: string, { delivery = 'dedup_window: 0', extra = '' } = {}): void {
  writeFileSync(
    configFile,
    [
      'server:',
      `  auth: { bearer_token: ${TOKEN} }`,
      `delivery: { ${delivery} }`,
      'actions:',
      `  hook: { type: webhook, url: "${hooks.url}/${to}" }`,
      'routes:',
      '  - actions: [hook]',
      extra,
    ].join('\n'),
  );
}

const authorized = { authorization: `Bearer ${TOKEN}` };

async function send(): Promise<string> {
  const before = hooks.requests.length;
  const answer = await fetch(`${service.url}/alert`, {
    method: 'POST',
    headers: { ...authorized, 'content-type': 'application/json' },
    body: fixtureText('alertmanagerGroup'),
  });
  expect(answer.status).toBe(200);
  const [request] = (await hooks.waitForRequests(before + 1, 10_000)).slice(before);
  return request!.url;
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

async function untilLogged(text: string, after: number): Promise<void> {
  for (let tries = 0; tries < 200 && !service.output.slice(after).some((line) => line.includes(text)); tries++)
    await new Promise((resolve) => setTimeout(resolve, 50));
  expect(service.output.slice(after).join('\n')).toContain(text);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-reload-'));
  configFile = path.join(dir, 'alertpipe.yml');
  hooks = await startHttpStandIn(() => ({ status: 200, body: 'ok' }));
  writeConfig('first');
  service = await startChildService({ configFile, port: await freePort(), env: { DATA_DIR: path.join(dir, 'data'), LOG_FORMAT: 'json' } });
}, 30_000);
afterAll(async () => {
  service?.process.kill('SIGTERM');
  await service?.exited;
  await hooks?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('config reload', () => {
  it('routes the next notification the new way after POST /-/reload, which takes the ingest credentials', async () => {
    expect(await send()).toBe('/first');
    expect(await metric('alertpipe_config_last_reload_successful')).toBe(1);
    const loadedAt = await metric('alertpipe_config_last_reload_success_timestamp_seconds');

    writeConfig('second');
    expect((await fetch(`${service.url}/-/reload`, { method: 'POST' })).status).toBe(401);
    expect(await send()).toBe('/first');
    const answer = await fetch(`${service.url}/-/reload`, { method: 'POST', headers: authorized });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ status: 'success', restartNeeded: [] });
    expect(await send()).toBe('/second');
    expect(await metric('alertpipe_config_last_reload_success_timestamp_seconds')).toBeGreaterThanOrEqual(loadedAt);
  });

  it('keeps the config in force when the new file is broken, and answers with the problem', async () => {
    writeConfig('third', { extra: 'routes: [ {' });
    const answer = await fetch(`${service.url}/-/reload`, { method: 'POST', headers: authorized });
    expect(answer.status).toBe(500);
    const body = (await answer.json()) as { status: string; error: string; problems: Array<{ path: string; message: string }> };
    expect(body.status).toBe('error');
    expect(body.error).toMatch(/^failed to reload config: /);
    expect(body.problems.length).toBeGreaterThan(0);
    expect(await metric('alertpipe_config_last_reload_successful')).toBe(0);
    expect(await send()).toBe('/second');

    // A file that parses but fails a start-up check (an enricher module that is not there) is kept out too.
    writeConfig('third', { extra: 'enrichers: [{ module: ./no-such-enricher.mjs }]' });
    const refused = await fetch(`${service.url}/-/reload`, { method: 'POST', headers: authorized });
    expect(refused.status).toBe(500);
    expect(JSON.stringify(await refused.json())).toContain('enrichers.0');
    expect(await send()).toBe('/second');
  });

  it('reloads on SIGHUP, and says which changed sections wait for a restart', async () => {
    writeConfig('fourth', { delivery: 'dedup_window: 0, concurrency: 3' });
    const after = service.output.length;
    service.process.kill('SIGHUP');
    await untilLogged('config reloaded', after);
    expect(await send()).toBe('/fourth');
    await untilLogged('take effect only at the next restart', after);
    expect(service.output.slice(after).join('\n')).toContain('"delivery"');
    expect(await metric('alertpipe_config_last_reload_successful')).toBe(1);
    expect(service.process.exitCode).toBeNull();
  });
});
