import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EnrichedNotification } from '../../../../src/model/model.js';
import { attemptContext, chatAction, enrichedGroup, failureOf, withGraph } from '../../../support/chat-platforms.js';
import { startFakeNtfy, type FakeNtfy } from '../../../support/fake-ntfy.js';
import { fixtureText } from '../../../support/fixtures.js';
import { startTestService } from '../../../support/test-service.js';

let ntfy: FakeNtfy;
beforeAll(async () => {
  ntfy = await startFakeNtfy();
});
afterAll(() => ntfy.close());
beforeEach(() => {
  ntfy.requestsLeft = 60;
  ntfy.anonymousWrite = false;
});

const action = (fields: Record<string, unknown> = {}) => chatAction('ntfy', { url: ntfy.url, token: ntfy.token, ...fields });

const resolvedOf = (n: EnrichedNotification): EnrichedNotification => ({
  ...n,
  status: 'resolved',
  alerts: n.alerts.map((a) => ({ ...a, status: 'resolved', endsAt: new Date('2026-11-22T12:30:00Z') })),
});

describe('ntfy action', () => {
  it('publishes the enriched group as JSON, urgent and tagged from its critical severity', async () => {
    const result = await action({ templates: { title: '{{ commonLabels.alertname }} ({{ alerts.firing | size }})' } }).handle(
      enrichedGroup(),
      attemptContext(),
    );
    const sent = ntfy.published.at(-1)!;
    expect(sent).toMatchObject({ via: 'json', topic: ntfy.topic, title: 'KubePodCrashLooping (2)', priority: 5, tags: ['rotating_light'] });
    expect(sent.message).toContain('CPU: 0.42 cores · 84% of limit 0.5 cores · request 0.25 cores · ▁▂▃▅▇');
    expect(sent.message).toContain('⚠ pod-resources: no cAdvisor metrics');
    expect(sent.actions?.map((a) => a.label)).toEqual(['Silence']);
    expect(sent.click).toBe('http://alertmanager:9093');
    expect(result).toMatchObject({ data: { priority: 5, graph: false } });
  });

  it('attaches the graph PNG with a PUT to the topic, the title and message in encoded headers', async () => {
    await action({ username: undefined }).handle(withGraph(enrichedGroup()), attemptContext());
    const sent = ntfy.published.at(-1)!;
    expect(sent.via).toBe('put');
    expect(sent.attachment!.bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(sent.attachment!.name).toMatch(/\.png$/);
    expect(sent.title).toBe('🔥 FIRING: KubePodCrashLooping (2)');
    expect(sent.message).toContain('CPU: 0.42 cores');
    expect(sent).toMatchObject({ priority: 5, tags: ['rotating_light'] });
  });

  it('sends the resolve as a quiet message with a check mark, and no graph', async () => {
    await chatAction('ntfy', { url: ntfy.url, username: ntfy.username, password: ntfy.password }).handle(
      resolvedOf(withGraph(enrichedGroup())),
      attemptContext(),
    );
    expect(ntfy.published.at(-1)).toMatchObject({ via: 'json', priority: 2, tags: ['white_check_mark'] });
    expect(ntfy.published.at(-1)!.title).toMatch(/^✅ RESOLVED/);
  });

  it('keeps 300 long alerts within 4,096 bytes', async () => {
    const n = enrichedGroup();
    const alerts = Array.from({ length: 300 }, (_, i) => ({
      ...n.alerts[0]!,
      fingerprint: String(i),
      labels: { ...n.alerts[0]!.labels, pod: `p-${i}` },
      annotations: { description: 'ü'.repeat(5000) },
    }));
    const before = ntfy.published.length;
    await action({ max_alerts: 15 }).handle({ ...n, alerts }, attemptContext());
    expect(ntfy.published.length - before).toBe(1);
    expect(ntfy.published.at(-1)!.message).toMatch(/…and \d+ more alerts|…$/);
  });

  it('waits out the 429, and does not retry what a retry cannot fix, keeping the token out', async () => {
    ntfy.requestsLeft = 0;
    expect(await failureOf(action(), enrichedGroup())).toMatchObject({ retryable: true, status: 429, retryAfterMs: 5000 });
    ntfy.requestsLeft = 60;
    const wrong = await failureOf(action({ token: `${ntfy.token}x` }), enrichedGroup());
    expect(wrong).toMatchObject({ retryable: false, status: 401 });
    expect(wrong.message).toContain('unauthorized (40101)');
    expect(wrong.message).not.toContain(ntfy.token);
    const anonymous = await failureOf(chatAction('ntfy', { url: ntfy.url }), enrichedGroup());
    expect(anonymous).toMatchObject({ retryable: false, status: 403 });
    expect(anonymous.message).not.toContain(ntfy.topic);
  });

  it('refuses a config ntfy could not take, naming the field', () => {
    const problem = (fields: Record<string, unknown>): string => {
      try {
        chatAction('ntfy', fields);
      } catch (error) {
        return String(error);
      }
      return 'accepted';
    };
    expect(problem({ url: 'https://ntfy.sh/' })).toContain('topic');
    expect(problem({ url: ntfy.url, token: 'tk_x', username: 'a', password: 'b' })).toContain('either token');
    expect(problem({ url: ntfy.url, username: 'a' })).toContain('username and password go together');
    expect(problem({ url: ntfy.url, priority: 6 })).toContain('priority');
  });
});

describe('ntfy through the service', () => {
  it('publishes with NTFY_URL alone, retried after the 429 rather than lost', async () => {
    ntfy.anonymousWrite = true;
    ntfy.requestsLeft = 0;
    const app = await startTestService(null, { NTFY_URL: ntfy.url });
    try {
      const before = ntfy.standIn.requests.length;
      const { body } = await app.post('/alert', fixtureText('alertmanagerGroup'));
      await ntfy.standIn.waitForRequests(before + 1);
      ntfy.requestsLeft = 60;
      const record = await app.untilDone(String(body.id), 15_000);
      const job = record.jobs.find((j) => j.action === 'ntfy')!;
      expect(job.attempts.map((a) => a.outcome)).toEqual(['retry', 'success']);
      const [throttled, sent] = ntfy.standIn.requests.slice(before);
      expect(sent!.at - throttled!.at).toBeGreaterThanOrEqual(4900);
      expect(ntfy.published.at(-1)!.title).toBe('🔥 FIRING: KubePodCrashLooping (2)');
      expect(JSON.stringify(app.logs)).not.toContain(ntfy.topic);
    } finally {
      await app.stop();
    }
  }, 20_000);
});
