import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../../..');
const fixture = path.join(root, 'test/fixtures/alertmanager-0.25-firing-group.json');

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/app/cli.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
    timeout: 20_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function configFile(text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-render-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'alertpipe.yml'), text);
  return path.join(dir, 'alertpipe.yml');
}

const config = `
actions:
  team-discord:
    type: discord
    webhook_url: https://discord.example/api/webhooks/1/SeCrEtDiScOrDtOkEn
    templates: { title: '{{ commonLabels.alertname }} in {{ commonLabels.namespace }}' }
  oncall-teams: { type: teams, webhook_url: "https://teams.example/workflows/x/triggers/manual/paths/invoke?sig=SeCrEtTeAmSsIg" }
  pager: { type: pagerduty, routing_key: R0uT1nGkEy0000000000000000000000 }
routes:
  - matchers: ['severity="critical"']
    actions: [team-discord, pager]
    continue: true
  - status: firing
    actions: [oncall-teams]
`;

describe('alertpipe render', () => {
  it('prints, for each action reached, the route that matched and the exact body, checked against its limits', () => {
    const result = cli(['render', '-f', configFile(config), fixture]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('── action team-discord (discord) · route 0: {severity="critical"}, continue · 2 of 2 alerts');
    expect(result.stdout).toContain('"title": "KubePodCrashLooping in shop"');
    expect(result.stdout).toContain('── action oncall-teams (teams) · route 1: every alert, status firing · 2 of 2 alerts');
    expect(result.stdout).toContain('"contentType": "application/vnd.microsoft.card.adaptive"');
    expect(result.stdout).toContain('a pagerduty action sends no message to preview');
    expect(result.stdout.match(/limits: within every limit/g)).toHaveLength(2);
    expect(result.stdout).not.toMatch(/SeCrEt|R0uT1nG/);
  });

  it('shows one action with --action', () => {
    const result = cli(['render', '-f', configFile(config), fixture, '--action', 'oncall-teams']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('action oncall-teams');
    expect(result.stdout).not.toContain('action team-discord');
  });

  it("keeps ingest's notes, as the message sent shows them: a label cut to its limit says so", () => {
    const long = path.join(path.dirname(configFile(config)), 'long-label.json');
    writeFileSync(long, JSON.stringify({ labels: { alertname: 'LongLabel', severity: 'critical', detail: 'x'.repeat(5000) } }));
    const result = cli(['render', '-f', configFile(config), long, '--action', 'team-discord']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('label \\"detail\\" cut from 5000 to 4096 characters');
  });

  it('says so when the payload is not an alert payload', () => {
    const bad = path.join(path.dirname(configFile(config)), 'bad.json');
    writeFileSync(bad, '{"alerts": 3}');
    const result = cli(['render', '-f', configFile(config), bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('alertpipe: ');
  });
});

describe('check-config with templates', () => {
  it('reports a template that does not parse, and one that fails on the example payloads, with template, line and column', () => {
    const file = configFile(`
actions:
  a: { type: discord, webhook_url: "https://discord.example/api/webhooks/1/t", templates: { title: "ok", text: "line one\\n{{ status | nosuch }}" } }
  b: { type: teams, webhook_url: "https://teams.example/x", templates: { alert: "{{ alert.labels.pod }} {{ alert.lables.node }}" } }
`);
    const result = cli(['check-config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('actions.a.templates.text: line 2, column 1: undefined filter: nosuch');
    expect(result.stderr).toContain(
      'actions.b.templates.alert: with the firing example: line 1, column 27: undefined variable: alert.lables',
    );
  });
});

describe('the example templates', () => {
  it('compile and render against the example payloads', () => {
    const env = {
      TEAMS_WEBHOOK_URL: 'https://teams.example/x',
      DISCORD_WEBHOOK_URL: 'https://discord.example/x',
      GOOGLE_CHAT_WEBHOOK_URL: 'https://chat.example/x',
    };
    for (const type of ['teams', 'discord', 'google_chat']) {
      const result = cli(['check-config', path.join(root, `examples/actions/${type}.yml`)], env);
      expect(result.stderr, type).toBe('');
      expect(result.code, type).toBe(0);
    }
  });
});
