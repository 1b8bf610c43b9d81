import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../support/child-service.js';
import { startFakeSlackApi, type FakeSlackApi } from '../../../support/fake-slack-api.js';

const root = path.resolve(import.meta.dirname, '../../../..');
const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-check-slack-'));
let slack: FakeSlackApi;
beforeAll(async () => {
  slack = await startFakeSlackApi([
    { id: 'C0ALERTS1', name: 'alerts', member: true },
    { id: 'C0OUTSIDE', name: 'outside', member: false },
  ]);
});
afterAll(async () => {
  await slack.close();
  rmSync(dir, { recursive: true, force: true });
});

// Asynchronous, so that the stand-in in this process can answer the child.
function checkConfig(action: Record<string, unknown>): Promise<{ code: number | null; output: string }> {
  const file = path.join(dir, `config-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, `actions:\n  oncall: ${JSON.stringify({ type: 'slack', ...action })}\ndelivery: { queue: memory }\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/cli.ts', 'check-config', file], {
      cwd: root,
      env: { PATH: process.env.PATH },
      timeout: 30_000,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('check-config with a Slack app action', () => {
  it('passes when Slack knows the token and the bot is in the channel', async () => {
    const { code, output } = await checkConfig({ bot_token: slack.token, channel: '#alerts', api_url: slack.url });
    expect(output).toContain('OK (1 actions');
    expect(code).toBe(0);
  });

  it('says the token is wrong, at bot_token, and fails', async () => {
    const { code, output } = await checkConfig({ bot_token: 'xoxb-0000-wrong', channel: '#alerts', api_url: slack.url });
    expect(code).not.toBe(0);
    expect(output).toMatch(/actions\.oncall\.bot_token: Slack auth\.test answered invalid_auth: the bot token is not valid/);
    expect(output).not.toContain('xoxb-0000-wrong');
  });

  it('says the bot is not in the channel, at channel, and fails', async () => {
    const { code, output } = await checkConfig({ bot_token: slack.token, channel: '#outside', api_url: slack.url });
    expect(code).not.toBe(0);
    expect(output).toMatch(/actions\.oncall\.channel: .*not a member of #outside: type \/invite/);
  });

  it('only warns when Slack does not answer: the file is fine, Slack is down', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/api/`;
    const { code, output } = await checkConfig({ bot_token: slack.token, channel: '#alerts', api_url: closed });
    expect(output).toMatch(
      /warning: actions\.oncall: Slack could not be asked at start \(Slack unreachable: ECONNREFUSED \(auth\.test\)\)/,
    );
    expect(code).toBe(0);
  });
});
