import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../src/config/load-config.js';
import { createAction, type ActionConfig } from '../../../../src/integrations/registry.js';
import { createSilentLogger } from '../../../../src/observability/logger.js';
import { createChartRenderer } from '../../../../src/charts/render-chart-png.js';
import type { Action } from '../../../../src/integrations/action.js';
import type { EnrichedNotification } from '../../../../src/model/model.js';
import { MemoryStore } from '../../../../src/store/memory/memory-store.js';
import { attemptContext, enrichedGroup, failureOf } from '../../../support/chat-platforms.js';
import { startFakeJira, type FakeIssue, type FakeJira } from '../../../support/fake-jira.js';

const TOKEN = 'ATATT3xFfGF0jIrAcLoUdToKeN';
let cloud: FakeJira;
beforeAll(async () => {
  cloud = await startFakeJira({ version: 3, auth: { basic: `oncall@example.com:${TOKEN}` } });
});
afterAll(() => cloud.close());
afterEach(() => cloud.failWith(undefined));

/** A `jira_configs` entry as it stands in alertmanager.yml (its templates in Liquid), plus `type`. */
const pasted = (url: string, changes: Record<string, string> = {}): string => {
  let yaml = `
actions:
  tickets:
    type: jira
    api_url: ${url}
    project: OPS
    issue_type: Bug
    summary: '{{ status | toUpper }}: {{ commonLabels.alertname }} in {{ commonLabels.namespace }}'
    labels: ['alertmanager', '{{ commonLabels.severity }} team']
    priority: '{% if commonLabels.severity == "critical" %}High{% else %}Low{% endif %}'
    fields:
      customfield_10001: { value: '{{ commonLabels.namespace }}' }
    resolve_transition: Done
    reopen_transition: To Do
    reopen_duration: 1h
    wont_fix_resolution: "Won't Do"
    send_resolved: true
    username: oncall@example.com
    password: ${TOKEN}
`;
  // A field changed in place: YAML refuses a key given twice.
  for (const [key, value] of Object.entries(changes))
    yaml = yaml.includes(`    ${key}:`)
      ? yaml.replace(new RegExp(`^    ${key}:.*$`, 'm'), `    ${key}: ${value}`)
      : `${yaml}    ${key}: ${value}\n`;
  return yaml;
};

function jiraAction(url = cloud.url, changes: Record<string, string> = {}): Action {
  const config = parseConfigText(pasted(url, changes), 'test', {});
  return createAction('tickets', config.actions.tickets as ActionConfig, { logger: createSilentLogger(), charts: createChartRenderer() });
}

const withGroupKey = (n: EnrichedNotification, groupKey: string): EnrichedNotification => ({ ...n, groupKey });
const resolved = (n: EnrichedNotification): EnrichedNotification => ({
  ...n,
  status: 'resolved',
  alerts: n.alerts.map((a) => ({ ...a, status: 'resolved', endsAt: new Date('2026-11-22T12:30:00Z') })),
});
const labelOf = (groupKey: string) => `ALERT{${createHash('sha256').update(groupKey).digest('hex')}}`;
const issuesOf = (groupKey: string): FakeIssue[] =>
  [...cloud.issues.values()].filter((i) => (i.fields.labels as string[]).includes(labelOf(groupKey)));
// A document's text: inline nodes run on, blocks go on lines of their own, links show their target.
const adfText = (node: unknown): string => {
  const n = node as { type?: string; text?: string; content?: unknown[]; marks?: { attrs?: { href?: string } }[] };
  const href = n.marks?.find((m) => m.attrs?.href)?.attrs?.href;
  const inline = n.type === 'paragraph' || n.type === 'heading';
  return `${n.text ?? ''}${href ? `<${href}>` : ''}${(n.content ?? []).map(adfText).join(inline ? '' : '\n')}`;
};

describe('jira action (Cloud, API v3)', () => {
  it('creates one issue from a pasted jira_configs entry, with the enriched message as ADF and the templated fields', async () => {
    const group = withGroupKey(enrichedGroup(), 'create');
    const result = await jiraAction().handle(group, attemptContext());
    expect(cloud.refused).toEqual([]);
    const [issue, ...more] = issuesOf('create');
    expect(more).toEqual([]);
    expect(result).toMatchObject({ detail: `created ${issue!.key}` });
    expect(issue!.fields).toMatchObject({
      project: { key: 'OPS' },
      issuetype: { name: 'Bug' },
      summary: 'FIRING: KubePodCrashLooping in shop',
      priority: { name: 'High' },
      customfield_10001: { value: 'shop' },
    });
    // Alertmanager's own label finds the issue again; a label with a space is one Jira would refuse.
    expect(issue!.fields.labels).toEqual([labelOf('create'), 'alertmanager', 'critical_team'].sort());
    const text = adfText(issue!.fields.description);
    expect(text).toContain('🔥 FIRING: KubePodCrashLooping (2)');
    expect(text).toContain('CPU: 0.42 cores · 84% of limit 0.5 cores · request 0.25 cores · ▁▂▃▅▇');
    expect(text).toContain('⚠ pod-resources: no cAdvisor metrics');
    expect(text).toMatch(/Silence<http:\/\/alertmanager:9093\/#\/silences\/new\?filter=/);
  });

  it('updates the same issue on a repeat, and comments only when alerts join the group', async () => {
    const group = withGroupKey(enrichedGroup(), 'repeat');
    const action = jiraAction();
    const first = { ...group, alerts: group.alerts.slice(0, 1) };
    await action.handle(first, attemptContext());
    await action.handle(first, attemptContext());
    const [issue] = issuesOf('repeat');
    expect(issue!.comments).toEqual([]);
    await action.handle(group, attemptContext());
    expect(issuesOf('repeat')).toHaveLength(1);
    expect(issue!.comments.map(adfText)).toEqual([expect.stringContaining('🔥 Firing: 2 alerts (1 new)')]);
    expect(adfText(issue!.comments[0])).toContain('• pod checkout-5c6d7e8f9-abcde  container checkout');
    expect(cloud.refused).toEqual([]);
  });

  it('moves the issue by resolve_transition when the group resolves, and creates none for a group resolved already', async () => {
    const group = withGroupKey(enrichedGroup(), 'resolve');
    const action = jiraAction();
    await action.handle(group, attemptContext());
    const result = await action.handle(resolved(group), attemptContext());
    const [issue] = issuesOf('resolve');
    expect(issue).toMatchObject({ status: 'Done', resolution: 'Done' });
    expect(result).toMatchObject({ detail: `updated ${issue!.key}, transition "Done", commented` });
    expect(adfText(issue!.comments.at(-1))).toContain('✅ Resolved: 2 alerts');
    expect(adfText(issue!.fields.description)).toContain('✅ RESOLVED: KubePodCrashLooping (2)');
    await action.handle(resolved(withGroupKey(group, 'never-fired')), attemptContext());
    expect(issuesOf('never-fired')).toEqual([]);
    expect(cloud.refused).toEqual([]);
  });

  it('reopens the issue by reopen_transition within reopen_duration, and opens a new one after it', async () => {
    const group = withGroupKey(enrichedGroup(), 'reopen');
    const action = jiraAction();
    await action.handle(group, attemptContext());
    await action.handle(resolved(group), attemptContext());
    await action.handle(group, attemptContext());
    const [issue, ...none] = issuesOf('reopen');
    expect(none).toEqual([]);
    expect(issue!.status).toBe('To Do');
    expect(adfText(issue!.comments.at(-1))).toContain('Firing again: 2 alerts; reopened (transition "To Do")');

    await action.handle(resolved(group), attemptContext());
    issue!.resolvedAt = Date.now() - 2 * 3_600_000; // resolved two hours ago: past reopen_duration
    await action.handle(group, attemptContext());
    const issues = issuesOf('reopen');
    expect(issues.map((i) => i.status)).toEqual(['Done', 'To Do']);
    expect(cloud.refused).toEqual([]);
  });

  it("never reopens an issue resolved as wont_fix_resolution: the group's next firing opens a new one", async () => {
    const group = withGroupKey(enrichedGroup(), 'wontfix');
    const action = jiraAction();
    await action.handle(group, attemptContext());
    await action.handle(resolved(group), attemptContext());
    issuesOf('wontfix')[0]!.resolution = "Won't Do";
    await action.handle(group, attemptContext());
    expect(issuesOf('wontfix').map((i) => i.status)).toEqual(['Done', 'To Do']);
  });

  it('keeps a group of 300 long alerts within the 32,767 characters of a description', async () => {
    const n = withGroupKey(enrichedGroup(), 'huge');
    const alerts = Array.from({ length: 300 }, (_, i) => ({
      ...n.alerts[0]!,
      fingerprint: `f${i}`,
      labels: { ...n.alerts[0]!.labels, pod: `p-${i}` },
      annotations: { description: 'y'.repeat(5000) },
    }));
    await jiraAction(cloud.url, { max_alerts: '15' }).handle({ ...n, alerts }, attemptContext());
    expect(cloud.refused).toEqual([]);
    expect(adfText(issuesOf('huge')[0]!.fields.description)).toMatch(/…and 29\d more alerts/);
  });
});

describe('jira across replicas', () => {
  it('creates one issue when two replicas get the same new group at once; the other updates it', async () => {
    // Two replicas: two actions, one delivery store (its message references and first-post claims).
    const store = new MemoryStore({ maxPending: 10, historyLimit: 10 });
    const context = () => ({ ...attemptContext(), messageRefs: store, firstPostClaims: store });
    const group = withGroupKey(enrichedGroup(), 'replicas');
    const results = await Promise.all([jiraAction().handle(group, context()), jiraAction().handle(group, context())]);
    const [issue, ...more] = issuesOf('replicas');
    expect(more).toEqual([]);
    expect(results.map((r) => r?.detail).sort()).toEqual([`created ${issue!.key}`, `updated ${issue!.key}`]);
  });
});

describe('jira answers', () => {
  it("does not retry Jira's 400, and says what Jira said about which field", async () => {
    const action = jiraAction(cloud.url, { priority: 'Blocker' });
    const error = await failureOf(action, withGroupKey(enrichedGroup(), 'bad-priority'));
    expect(error).toMatchObject({ retryable: false, status: 400 });
    expect(error.message).toBe('Jira answered 400 to POST /issue: priority: The priority selected is invalid.');
  });

  it('does not retry a 401, a 403 or a 404, and keeps the credentials out of the error', async () => {
    expect(await failureOf(jiraAction(cloud.url, { password: 'not-the-token-at-all' }), enrichedGroup())).toMatchObject({
      retryable: false,
      status: 401,
    });
    for (const status of [403, 404]) {
      cloud.failWith({
        status,
        body: {
          errorMessages: [`quoted back: Basic ${Buffer.from(`oncall@example.com:${TOKEN}`).toString('base64')} ${TOKEN}`],
          errors: {},
        },
      });
      const error = await failureOf(jiraAction(), enrichedGroup());
      expect(error).toMatchObject({ retryable: false, status });
      expect(error.message).not.toContain(TOKEN);
      expect(error.message).not.toContain(Buffer.from(`oncall@example.com:${TOKEN}`).toString('base64'));
    }
  });

  it("retries a 429 no sooner than Jira's Retry-After, and a 5xx", async () => {
    cloud.throttle(7);
    expect(await failureOf(jiraAction(), enrichedGroup())).toMatchObject({ retryable: true, status: 429, retryAfterMs: 7000 });
    cloud.throttle(0);
    cloud.failWith({ status: 503, body: 'Service Unavailable' });
    expect(await failureOf(jiraAction(), enrichedGroup())).toMatchObject({ retryable: true, status: 503 });
  });

  it('does not retry a transition the workflow does not offer, and names those it does', async () => {
    const group = withGroupKey(enrichedGroup(), 'no-such-transition');
    const closing = jiraAction(cloud.url, { resolve_transition: 'Close Issue' });
    await closing.handle(group, attemptContext());
    const error = await failureOf(closing, resolved(group));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/no transition "Close Issue" for OPS-\d+ in status "To Do" \(it offers "In Progress", "Done"\)/);
  });
});
