import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { attemptContext, chatAction, enrichedGroup, failureOf } from '../../../support/chat-platforms.js';
import { startFakeTeams, type FakeTeams } from '../../../support/fake-teams.js';
import { fixtureText } from '../../../support/fixtures.js';
import { startTestService } from '../../../support/test-service.js';

let teams: FakeTeams;
beforeAll(async () => {
  teams = await startFakeTeams();
});
afterAll(() => teams.close());
afterEach(() => teams.failWith(undefined));

const textsOf = (element: unknown): string[] => {
  if (Array.isArray(element)) return element.flatMap(textsOf);
  if (element === null || typeof element !== 'object') return [];
  const e = element as Record<string, unknown>;
  const own = typeof e.text === 'string' ? [e.text] : [];
  const facts = Array.isArray(e.facts) ? (e.facts as { title: string; value: string }[]).map((f) => `${f.title}: ${f.value}`) : [];
  return [...own, ...facts, ...textsOf(e.body), ...textsOf(e.items)];
};

describe('teams action', () => {
  it('posts one Adaptive Card the workflow accepts, with the enrichment, notes and links', async () => {
    const before = teams.accepted.length;
    await chatAction('teams', { webhook_url: teams.url }).handle(enrichedGroup(), attemptContext());
    expect(teams.refusedCards).toEqual([]);
    expect(teams.accepted.length - before).toBe(1);
    const texts = textsOf(teams.accepted.at(-1)!.card);
    expect(texts[0]).toBe('🔥 FIRING: KubePodCrashLooping (2)');
    expect(texts).toContain('CPU: 0.42 cores · 84% of limit 0.5 cores · request 0.25 cores · ▁▂▃▅▇');
    expect(texts.join('\n')).toContain('⚠ pod-resources: no cAdvisor metrics');
    expect(texts.join('\n')).toMatch(/\[Silence\]\(http:\/\/alertmanager:9093\/#\/silences\/new\?filter=/);
  });

  it('keeps 300 long alerts inside the 28 KB a Teams message may carry', async () => {
    const n = enrichedGroup();
    const alerts = Array.from({ length: 300 }, (_, i) => ({
      ...n.alerts[0]!,
      fingerprint: String(i),
      labels: { ...n.alerts[0]!.labels, pod: `p-${i}` },
      annotations: { description: 'y'.repeat(5000) },
    }));
    await chatAction('teams', { webhook_url: teams.url, max_alerts: 15 }).handle({ ...n, alerts }, attemptContext());
    expect(teams.refusedCards).toEqual([]);
    expect(textsOf(teams.accepted.at(-1)!.card).join('\n')).toMatch(/…and \d+ more alerts/);
  });

  it('does not retry a URL whose signature the workflow refuses, and keeps the signature out of the error', async () => {
    const error = await failureOf(chatAction('teams', { webhook_url: teams.url.replace('sig=', 'sig=x') }), enrichedGroup());
    expect(error).toMatchObject({ retryable: false, status: 401 });
    teams.failWith({ status: 400, body: `bad request to ${teams.url}` });
    expect((await failureOf(chatAction('teams', { webhook_url: teams.url }), enrichedGroup())).message).not.toContain('tEaMsSiGnAtUrE');
  });

  it("retries Power Automate's 429 no sooner than its Retry-After, and a 5xx", async () => {
    teams.failWith({
      status: 429,
      body: { error: { code: 'WorkflowTriggerIsThrottled', message: 'throttled' } },
      headers: { 'retry-after': '7' },
    });
    expect(await failureOf(chatAction('teams', { webhook_url: teams.url }), enrichedGroup())).toMatchObject({
      retryable: true,
      retryAfterMs: 7000,
    });
    teams.failWith({ status: 503, body: 'Service Unavailable' });
    expect((await failureOf(chatAction('teams', { webhook_url: teams.url }), enrichedGroup())).retryable).toBe(true);
  });
});

describe('teams through the service', () => {
  it('turns an Alertmanager group into one card with TEAMS_WEBHOOK_URL alone', async () => {
    const before = teams.accepted.length;
    const app = await startTestService(null, { TEAMS_WEBHOOK_URL: teams.url });
    try {
      await app.post('/alert', fixtureText('alertmanagerGroup'));
      await app.waitForLog((l) => l.message === 'action succeeded' && l.action === 'teams');
      expect(teams.accepted.length - before).toBe(1);
      expect(textsOf(teams.accepted.at(-1)!.card)[0]).toBe('🔥 FIRING: KubePodCrashLooping (2)');
      expect(JSON.stringify(app.logs)).not.toContain('tEaMsSiGnAtUrE');
    } finally {
      await app.stop();
    }
  });
});
