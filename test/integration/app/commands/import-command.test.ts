import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseConfigText } from '../../../../src/config/load-config.js';
import { importAlertmanager } from '../../../../src/config/import/import-alertmanager.js';
import { alertmanagerBlockOf } from '../../../../src/config/import/write-imported-config.js';
import { actionTypeNames } from '../../../../src/integrations/registry.js';
import type { Alert } from '../../../../src/model/model.js';
import { routeAlerts } from '../../../../src/pipeline/router.js';
import { binariesAvailable } from '../../../support/binaries.js';

const root = path.resolve(import.meta.dirname, '../../../..');
const fixture = (name: string): string => path.join(root, 'test/fixtures/alertmanager', name);
const amtool = binariesAvailable('amtool');

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-import-'));
  dirs.push(dir);
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** A folder holding the secrets the fixtures name by file (`opsgenie_api_key_file: opsgenie-key`). */
function secretsDir(): string {
  return path.dirname(tempFile('opsgenie-key', 'opsgenie-key-from-a-file\n'));
}

function cli(args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/app/cli.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function amtoolRun(args: string[]) {
  const result = spawnSync('amtool', args, { encoding: 'utf8', timeout: 10_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The receivers Alertmanager picks for a label set, by the real amtool. */
function amtoolReceivers(file: string, labels: Record<string, string>): string[] {
  const args = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  const run = amtoolRun(['config', 'routes', 'test', `--config.file=${file}`, ...args]);
  expect(run.code, run.stderr).toBe(0);
  return run.stdout.trim().split(',').filter(Boolean);
}

/** Label sets: every combination of the values each label takes in the fixture's routes, and none. */
function combinations(values: Record<string, readonly string[]>): Record<string, string>[] {
  let sets: Record<string, string>[] = [{}];
  for (const [name, list] of Object.entries(values)) {
    sets = sets.flatMap((set) => list.map((value) => (value === '' ? set : { ...set, [name]: value })));
  }
  return sets;
}

const ROUTE_CASES: Record<string, Record<string, readonly string[]>> = {
  'simple.yml': {
    service: ['foo1', 'baz', 'files', 'database', 'other', ''],
    severity: ['critical', 'warning', ''],
    owner: ['team-X', 'team-Y', ''],
  },
  'kube-prometheus-stack.yml': { alertname: ['Watchdog', 'KubePodCrashLooping', ''], severity: ['critical', ''] },
  'every-receiver-0.25.yml': {
    team: ['db', 'web', 'api', 'china', 'other', ''],
    severity: ['warning', 'critical', 'info', ''],
    service: ['pg-1', 'web'],
    env: ['prod', 'dev'],
    alertname: ['Watchdog', 'X'],
  },
};

describe.each(Object.keys(ROUTE_CASES))('alertpipe import %s', (name) => {
  const file = fixture(name);
  const run = cli(['import', file, '--url', 'http://alertpipe.example:8080/alert']);

  it.skipIf(!amtool.available)('starts from a config the real amtool accepts', () => {
    const check = amtoolRun(['check-config', file]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });

  it('prints a config that alertpipe check-config accepts', () => {
    expect(run.code, run.stderr).toBe(0);
    const printed = path.join(secretsDir(), 'alertpipe.yml');
    writeFileSync(printed, run.stdout);
    const check = cli(['check-config', printed]);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/: OK \(/);
  });

  it.skipIf(!amtool.available)('prints, commented at its end, an Alertmanager config amtool accepts that sends to alertpipe', () => {
    const block = alertmanagerBlockOf(run.stdout);
    const parsed = parseYaml(block) as { receivers: { name: string; webhook_configs?: { url: string }[] }[] };
    expect(parsed.receivers[0]).toEqual({
      name: 'alertpipe',
      webhook_configs: [{ url: 'http://alertpipe.example:8080/alert', send_resolved: true }],
    });
    const check = amtoolRun(['check-config', tempFile('alertmanager.yml', block)]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });

  it.skipIf(!amtool.available)('routes every label set to the receivers Alertmanager picks', () => {
    const imported = importAlertmanager(readFileSync(file, 'utf8'), file, 'http://alertpipe:8080/alert');
    const config = parseConfigText(run.stdout, 'imported', {}, { baseDir: secretsDir() });
    const routes = config.routes ?? [];
    const runnable = new Set(
      [...imported.receiverOf.entries()].filter(([action]) => action in config.actions).map(([, receiver]) => receiver),
    );
    const sets = combinations(ROUTE_CASES[name] ?? {});
    // Every combination for the small trees; a fixed stride through the larger one keeps amtool's runs few.
    const stride = sets.length > 60 ? 7 : 1;
    let compared = 0;
    for (let i = 0; i < sets.length; i += stride) {
      const labels = sets[i] as Record<string, string>;
      const expected = new Set(amtoolReceivers(file, labels).filter((r) => runnable.has(r)));
      const alert = { labels, status: 'firing' } as unknown as Alert;
      const got = new Set([...routeAlerts([alert], routes).byAction.keys()].map((action) => imported.receiverOf.get(action)));
      expect([...got].sort(), JSON.stringify(labels)).toEqual([...expected].sort());
      compared++;
    }
    expect(compared).toBeGreaterThan(5);
  });
});

describe('alertpipe import: every receiver type', () => {
  const registered = new Set(actionTypeNames);
  const old = cli(['import', fixture('every-receiver-0.25.yml')]);
  const newer = cli(['import', fixture('every-receiver-newer.yml')]);

  it.each([
    ['every-receiver-0.25.yml', 'default-slack', 'slack'],
    ['every-receiver-0.25.yml', 'audit-hook', 'webhook'],
    ['every-receiver-0.25.yml', 'db-pager-1', 'pagerduty'],
    ['every-receiver-0.25.yml', 'db-pager-2', 'sns'],
    ['every-receiver-0.25.yml', 'db-mail', 'email'],
    ['every-receiver-0.25.yml', 'db-chat-1', 'discord'],
    ['every-receiver-0.25.yml', 'db-chat-2', 'pushover'],
    ['every-receiver-0.25.yml', 'db-telegram', 'telegram'],
    ['every-receiver-0.25.yml', 'web-opsgenie-1', 'opsgenie'],
    ['every-receiver-0.25.yml', 'web-opsgenie-2', 'victorops'],
    ['every-receiver-0.25.yml', 'web-webex', 'webex'],
    ['every-receiver-newer.yml', 'teams-1', 'teams'],
    ['every-receiver-newer.yml', 'teams-2', 'teams'],
    ['every-receiver-newer.yml', 'tickets-1', 'jira'],
    ['every-receiver-newer.yml', 'tickets-2', 'incidentio'],
    ['every-receiver-newer.yml', 'chats-1', 'rocketchat'],
    ['every-receiver-newer.yml', 'chats-2', 'mattermost'],
  ])('%s: %s becomes a %s action, or a commented one until this build has the type', (file, action, type) => {
    const output = file === 'every-receiver-newer.yml' ? newer.stdout : old.stdout;
    const config = parseConfigText(output, file, {}, { baseDir: secretsDir() });
    if (registered.has(type)) {
      expect(config.actions[action]?.type).toBe(type);
    } else {
      expect(config.actions[action]).toBeUndefined();
      expect(output).toContain(`#   ${action}:\n#     type: ${type}\n`);
    }
  });

  it('says WeChat has no equivalent', () => {
    expect(old.stdout).toMatch(/# - receiver wechat-team, wechat_configs\[0\]: .*alertpipe has no WeChat action/);
  });

  it("inlines the global values a receiver omits and keeps Alertmanager's send_resolved default", () => {
    const imported = importAlertmanager(readFileSync(fixture('every-receiver-0.25.yml'), 'utf8'), 'f', 'http://a/alert');
    expect(imported.actions['default-slack']).toMatchObject({
      webhook_url: 'https://hooks.slack.com/services/T000/B000/slackglobalsecret',
    });
    expect(imported.actions['db-pager-1']).toMatchObject({ url: 'https://events.pagerduty.com/v2/enqueue', default_severity: 'critical' });
    const mail = imported.unavailable.get('db-mail')?.section ?? imported.actions['db-mail'];
    expect(mail).toMatchObject({
      smarthost: 'smtp.example.org:587',
      from: 'alertmanager@example.org',
      auth_password: 'smtp-password-1',
      send_resolved: false,
    });
    const opsgenie = imported.unavailable.get('web-opsgenie-1')?.section ?? imported.actions['web-opsgenie-1'];
    expect(opsgenie).toMatchObject({ api_url: 'https://api.eu.opsgenie.com/', api_key_file: 'opsgenie-key' });
    expect(opsgenie).not.toHaveProperty('api_key');
  });
});

describe('alertpipe import: fields', () => {
  const one = (receiver: string, global = '') =>
    importAlertmanager(`${global}route: { receiver: r }\nreceivers:\n  - name: r\n${receiver}`, 'f', 'http://a/alert');

  it("renames Slack's fields, keeps a `_file` secret as `_file`, drops http_config and Go templates with a note each", () => {
    const imported = one(
      "    slack_configs:\n      - api_url_file: /run/slack-url\n        text: '{{ .CommonAnnotations.summary }}'\n        http_config: { proxy_url: 'http://proxy:3128' }\n",
    );
    expect(imported.actions.r).toEqual({ type: 'slack', api_url: undefined, webhook_url_file: '/run/slack-url', send_resolved: false });
    const notes = imported.actionNotes.get('r')?.join('\n') ?? '';
    expect(notes).toMatch(/http_config .* dropped/);
    expect(notes).toMatch(/text: an Alertmanager Go template; .*templates\.text.*\{\{ \.CommonAnnotations\.summary \}\}/);
    expect(notes).not.toContain('proxy:3128');
  });

  it('writes a `$` as `$$`, so alertpipe does not read it as a variable', () => {
    const imported = one("    webhook_configs:\n      - url: 'http://hook/$HOME'\n");
    expect(imported.actions.r).toMatchObject({ url: 'http://hook/$$HOME' });
  });

  it('leaves out a field the action type does not have, saying so', () => {
    const imported = one("    discord_configs:\n      - webhook_url: 'https://discord.com/api/webhooks/1/x'\n        username: bot\n");
    expect(imported.actions.r).not.toHaveProperty('username');
    expect(imported.actionNotes.get('r')?.join('\n')).toMatch(/username: alertpipe's discord action has no such field/);
  });

  it('refuses what is not an Alertmanager config, with the reason', () => {
    expect(() => importAlertmanager('a: [', 'bad.yml', 'http://a/alert')).toThrow(/not YAML/);
    expect(() => importAlertmanager('receivers: []\n', 'bad.yml', 'http://a/alert')).toThrow(/needs a route/);
    expect(() =>
      importAlertmanager('route: { receiver: r, routes: [{ matchers: [\'a=~"("\'] }] }\nreceivers: []\n', 'bad.yml', 'http://a/alert'),
    ).toThrow(/route\.routes\[0\]: bad matcher: invalid regular expression/);
    const usage = cli(['import']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/import needs a file/);
    const missing = cli(['import', path.join(root, 'no-such-alertmanager.yml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/ENOENT/);
  });
});
