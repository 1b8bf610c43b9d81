import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../src/config/load-config.js';
import { ConfigError } from '../../../../src/lib/config-error.js';
import { createAction, type ActionConfig } from '../../../../src/integrations/registry.js';
import { createSilentLogger } from '../../../../src/observability/logger.js';
import { createChartRenderer } from '../../../../src/charts/render-chart-png.js';
import { attemptContext, enrichedGroup } from '../../../support/chat-platforms.js';
import { startFakeJira, type FakeJira } from '../../../support/fake-jira.js';
import { fixtureText } from '../../../support/fixtures.js';
import { startTestService } from '../../../support/test-service.js';

const PAT = 'NjE2NzQ3MjU2NDY2OnBhdHBhdHBhdA';
let dc: FakeJira;
beforeAll(async () => {
  dc = await startFakeJira({ version: 2, auth: { bearer: PAT } });
});
afterAll(() => dc.close());

const yaml = (body: string): string => `actions:\n  tickets:\n${body.replace(/^/gm, '    ')}\nroutes:\n  - actions: [tickets]\n`;
const entry = (url: string) => `type: jira
api_url: ${url}
project: OPS
issue_type: Task
resolve_transition: Done
bearer_token: ${PAT}`;

const problemsOf = (body: string): string[] => {
  try {
    parseConfigText(yaml(body), 'test', {});
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
};

describe('jira on Data Center (API v2, a personal access token)', () => {
  it('writes the description and comments as wiki markup, with the alert text escaped, and resolves by its transition', async () => {
    const config = parseConfigText(yaml(entry(dc.url)), 'test', {});
    const action = createAction('tickets', config.actions.tickets as ActionConfig, {
      logger: createSilentLogger(),
      charts: createChartRenderer(),
    });
    const group = enrichedGroup();
    const odd = {
      ...group,
      alerts: group.alerts.map((a, i) =>
        i === 0 ? { ...a, annotations: { ...a.annotations, description: 'see [here|http://evil] {code}' } } : a,
      ),
    };
    await action.handle(odd, attemptContext());
    expect(dc.refused).toEqual([]);
    const [issue] = [...dc.issues.values()];
    const description = issue!.fields.description as string;
    expect(typeof description).toBe('string');
    // The emoji is gone (a MySQL utf8 database refuses it); the alert's own markup is text.
    expect(description.split('\n')[0]).toBe('h3. FIRING: KubePodCrashLooping (2)');
    expect(description).toContain('see \\[here\\|http://evil\\] \\{code\\}');
    expect(description).toContain('||CPU|0.42 cores · 84% of limit 0.5 cores · request 0.25 cores · ▁▂▃▅▇|');
    expect(description).toMatch(/\[Silence\|http:\/\/alertmanager:9093\/#\/silences\/new\?filter=%7B/);
    expect(issue!.fields.summary).toBe('[FIRING:2] KubePodCrashLooping shop: Pod is crash looping.');

    const resolved = { ...group, status: 'resolved' as const, alerts: group.alerts.map((a) => ({ ...a, status: 'resolved' as const })) };
    await action.handle(resolved, attemptContext());
    expect(issue!.status).toBe('Done');
    expect(issue!.comments).toEqual(['✅ Resolved: 2 alerts; moved by transition "Done".']);
    // Data Center has no /search/jql: every search went to /search.
    expect(dc.standIn.requests.filter((r) => r.url.includes('/search')).map((r) => r.url)).toEqual([
      '/rest/api/2/search',
      '/rest/api/2/search',
    ]);
  });
});

describe('jira config', () => {
  it('refuses what Jira could not take, each with the field and what to write instead', () => {
    expect(problemsOf('type: jira\napi_url: https://jira.example.com\nissue_type: Bug\nbearer_token: x')).toEqual([
      'actions.tickets.api_url: expected the REST API URL itself, ending in /rest/api/2 (Data Center, Cloud) or /rest/api/3 (Cloud)',
      expect.stringMatching(/^actions\.tickets\.project: /),
    ]);
    expect(problemsOf('type: jira\napi_url: https://x.atlassian.net/rest/api/3\nproject: OPS\nissue_type: Bug')).toEqual([
      'actions.tickets.username: expected credentials: username and password (Cloud: your email and an API token), or bearer_token (a personal access token)',
    ]);
    expect(problemsOf(`${entry('https://jira.example.com/rest/api/2')}\npassword: p`)).toEqual([
      'actions.tickets.password: expected one of password, api_token and bearer_token, not several',
    ]);
    expect(problemsOf(`${entry('https://jira.example.com/rest/api/2')}\nsummary: '{{ template "jira.default.summary" . }}'`)).toEqual([
      expect.stringContaining("actions.tickets.summary: an Alertmanager (Go) template: alertpipe's templates are Liquid"),
    ]);
    expect(problemsOf(`${entry('https://jira.example.com/rest/api/2')}\nlabels: ['{{ .CommonLabels.team }}']`)).toEqual([
      expect.stringContaining('actions.tickets.labels.0: an Alertmanager (Go) template'),
    ]);
  });

  it('stops the start on a Liquid template that does not parse, with its place', () => {
    const config = parseConfigText(
      yaml(`${entry('https://jira.example.com/rest/api/2')}\nlabels: ['{{ commonLabels.team | nope }}']`),
      'test',
      {},
    );
    expect(() =>
      createAction('tickets', config.actions.tickets as ActionConfig, { logger: createSilentLogger(), charts: createChartRenderer() }),
    ).toThrow(/actions\.tickets\.labels\.0: .*nope/);
  });
});

describe('jira through the service', () => {
  it("waits out Jira's 429 and its Retry-After, then creates the issue once", async () => {
    const before = dc.issues.size;
    const app = await startTestService(`${yaml(entry(dc.url))}delivery:\n  initial_backoff: 100ms\n`);
    try {
      dc.throttle(1);
      const until = Date.now() + 1000;
      await app.post('/alert', fixtureText('alertmanagerGroup'));
      await app.waitForLog((l) => l.message === 'action succeeded' && l.action === 'tickets', 15_000);
      expect(dc.throttled()).toBeGreaterThanOrEqual(1);
      // Only one attempt was refused: the next came after the Retry-After, not on the backoff's 100 ms.
      expect(dc.throttled()).toBe(1);
      const created = dc.standIn.requests.find((r) => r.method === 'POST' && r.url === '/rest/api/2/issue' && r.at >= until - 1000);
      expect(created!.at).toBeGreaterThanOrEqual(until - 50);
      expect(dc.issues.size - before).toBe(1);
      expect(JSON.stringify(app.logs)).not.toContain(PAT);
    } finally {
      dc.throttle(0);
      await app.stop();
    }
  });
});
