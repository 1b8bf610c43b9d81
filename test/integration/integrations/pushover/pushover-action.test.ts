import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Action } from '../../../../src/integrations/action.js';
import { parseConfigText } from '../../../../src/config/load-config.js';
import type { EnrichedNotification } from '../../../../src/model/model.js';
import type { MessageRef, MessageRefStore } from '../../../../src/store/ports/message-refs.js';
import { attemptContext, chatAction, enrichedGroup, failureOf } from '../../../support/chat-platforms.js';
import { startFakePushover, type FakePushover } from '../../../support/fake-pushover.js';
import { fixtureText } from '../../../support/fixtures.js';
import { startTestService } from '../../../support/test-service.js';

let pushover: FakePushover;
beforeAll(async () => {
  pushover = await startFakePushover();
});
afterAll(() => pushover.close());
beforeEach(() => {
  pushover.quota = 10_000;
});

// An entry of an alertmanager.yml's `pushover_configs`, `type` added; the title is a template, in Liquid.
const pasted = (): string => `
type: pushover
user_key: ${pushover.userKey}
token: ${pushover.token}
title: '{{ commonLabels.alertname }} in {{ commonLabels.namespace }}'
sound: siren
device: oncall-phone
retry: 30s
expire: 2h
ttl: 1d
send_resolved: true
api_url: ${pushover.url}
`;

function refStore(): MessageRefStore & { refs: Map<string, MessageRef> } {
  const refs = new Map<string, MessageRef>();
  return { refs, getMessageRef: async (id) => refs.get(id), putMessageRef: async (ref) => void refs.set(ref.id, ref) };
}

function resolvedOf(n: EnrichedNotification): EnrichedNotification {
  const endsAt = new Date('2026-11-22T12:30:00Z');
  return { ...n, status: 'resolved', alerts: n.alerts.map((a) => ({ ...a, status: 'resolved', endsAt })) };
}

const build = (fields: Record<string, unknown>): Action => chatAction('pushover', fields);

describe('pushover action', () => {
  it('takes a pasted pushover_configs entry and sends an enriched emergency message Pushover accepts', async () => {
    const entry = parseYaml(pasted()) as Record<string, unknown>;
    // The whole config validates, as start-up and check-config read it.
    expect(() => parseConfigText(`actions:\n  phone: ${JSON.stringify(entry)}\n`, 'test', {})).not.toThrow();
    const before = pushover.accepted.length;
    const result = await build(entry).handle(enrichedGroup(), { ...attemptContext(), messageRefs: refStore() });
    expect(pushover.accepted.length - before).toBe(1);
    const { form, receipt } = pushover.accepted.at(-1)!;
    expect(form).toMatchObject({ title: 'KubePodCrashLooping in shop', priority: '2', retry: '30', expire: '7200', ttl: '86400' });
    expect(form).toMatchObject({ sound: 'siren', device: 'oncall-phone' });
    expect(form.message).toContain('CPU: 0.42 cores · 84% of limit 0.5 cores · request 0.25 cores · ▁▂▃▅▇');
    expect(form.message).toContain('⚠ pod-resources: no cAdvisor metrics');
    expect(form).toMatchObject({ url: 'http://alertmanager:9093/#/alerts?receiver=pipe', url_title: 'Alertmanager' });
    expect(receipt).toBeDefined();
    expect(result).toMatchObject({ data: { priority: 2, receipt } });
  });

  it('cancels the emergency by its receipt on resolve, from the store, after a restart', async () => {
    const refs = refStore();
    const entry = parseYaml(pasted()) as Record<string, unknown>;
    await build(entry).handle(enrichedGroup(), { ...attemptContext(), messageRefs: refs });
    const receipt = pushover.accepted.at(-1)!.receipt!;
    // A new action (a restart) finds the receipt in the store.
    const result = await build(entry).handle(resolvedOf(enrichedGroup()), { ...attemptContext(), messageRefs: refs });
    expect(pushover.cancelled.at(-1)).toBe(receipt);
    const resolved = pushover.accepted.at(-1)!;
    expect(resolved.form.priority).toBe('0');
    expect(resolved.form.retry).toBeUndefined();
    expect(resolved.receipt).toBeUndefined();
    expect(result).toMatchObject({ detail: expect.stringContaining('cancelled 1 emergency message') as string });
    expect([...refs.refs.values()][0]!.state).toEqual({ receipts: [] });
  });

  it('replaces the group’s ringing emergency with the newer one instead of ringing twice', async () => {
    const refs = refStore();
    const action = build(parseYaml(pasted()) as Record<string, unknown>);
    await action.handle(enrichedGroup(), { ...attemptContext(), messageRefs: refs });
    const first = pushover.accepted.at(-1)!.receipt!;
    await action.handle(enrichedGroup(), { ...attemptContext(), messageRefs: refs });
    expect(pushover.cancelled.at(-1)).toBe(first);
    expect(pushover.accepted.at(-1)!.receipt).not.toBe(first);
  });

  it('keeps 300 long alerts within 1,024 characters, folding the rest', async () => {
    const n = enrichedGroup();
    const alerts = Array.from({ length: 300 }, (_, i) => ({
      ...n.alerts[0]!,
      fingerprint: String(i),
      labels: { ...n.alerts[0]!.labels, pod: `p-${i}` },
      annotations: { description: 'y'.repeat(5000) },
    }));
    for (const html of [false, true]) {
      const before = pushover.accepted.length;
      await build({ user_key: pushover.userKey, token: pushover.token, api_url: pushover.url, html }).handle(
        { ...n, alerts },
        attemptContext(),
      );
      expect(pushover.accepted.length - before).toBe(1);
      expect(pushover.accepted.at(-1)!.form.message).toMatch(/…and \d+ more alerts|…$/);
    }
  });

  it('waits for the quota reset on 429, and does not retry what Pushover refuses', async () => {
    pushover.quota = 0;
    pushover.resetAt = Math.floor(Date.now() / 1000) + 120;
    const throttled = await failureOf(build({ user_key: pushover.userKey, token: pushover.token, api_url: pushover.url }), enrichedGroup());
    expect(throttled).toMatchObject({ retryable: true, status: 429 });
    expect(throttled.retryAfterMs).toBeGreaterThan(100_000);
    expect(throttled.message).toContain('monthly message limit');
    const refused = await failureOf(build({ user_key: 'u'.repeat(30), token: pushover.token, api_url: pushover.url }), enrichedGroup());
    expect(refused).toMatchObject({ retryable: false, status: 400 });
    expect(refused.message).toContain('user identifier is not a valid user');
    const badToken = `${pushover.token.slice(0, 20)}SECRETPART`;
    const wrong = await failureOf(build({ user_key: pushover.userKey, token: badToken, api_url: pushover.url }), enrichedGroup());
    expect(wrong).toMatchObject({ retryable: false });
    expect(wrong.message).not.toContain('SECRETPART');
  });

  it('refuses at start what Pushover would refuse, and a template that does not parse, naming the field', () => {
    const problems = (fields: Record<string, unknown>): string => {
      try {
        build({ user_key: pushover.userKey, token: pushover.token, ...fields });
      } catch (error) {
        return String(error);
      }
      return 'accepted';
    };
    expect(problems({ retry: '10s' })).toContain('retry');
    expect(problems({ expire: '4h' })).toContain('expire');
    expect(problems({ html: true, monospace: true })).toContain('monospace');
    expect(problems({ token: '' })).toContain('token');
    expect(problems({ title: '{{ .CommonLabels.alertname }}' })).toContain('actions.pushover.title');
    expect(problems({ priority: '{{ commonLables.severity }}' })).toContain('actions.pushover.priority');
  });
});

describe('pushover through the service', () => {
  it('retries the 429 once the quota renews and cancels by receipt on resolve, through the store', async () => {
    const entry = parseYaml(pasted()) as Record<string, unknown>;
    const app = await startTestService(`actions:\n  phone: ${JSON.stringify(entry)}\nroutes:\n  - actions: [phone]\n`);
    try {
      pushover.quota = 0;
      pushover.resetAt = Math.ceil(Date.now() / 1000) + 1;
      const requests = pushover.standIn.requests.length;
      const firing = await app.post('/alert', fixtureText('alertmanagerGroup'));
      await pushover.standIn.waitForRequests(requests + 1);
      pushover.quota = 10_000;
      const record = await app.untilDone(String(firing.body.id));
      const job = record.jobs.find((j) => j.action === 'phone')!;
      expect(job.attempts.map((a) => a.outcome)).toEqual(['retry', 'success']);
      const [throttled, sent] = pushover.standIn.requests.slice(requests);
      expect(sent!.at - throttled!.at).toBeGreaterThanOrEqual(900);
      const receipt = pushover.accepted.at(-1)!.receipt!;

      const body = JSON.parse(fixtureText('alertmanagerGroup')) as { status: string; alerts: Array<Record<string, string>> };
      body.status = 'resolved';
      for (const alert of body.alerts) Object.assign(alert, { status: 'resolved', endsAt: '2026-11-22T12:30:00Z' });
      const resolved = await app.post('/alert', JSON.stringify(body));
      await app.untilDone(String(resolved.body.id));
      expect(pushover.cancelled).toContain(receipt);
      expect(pushover.accepted.at(-1)!.form.priority).toBe('0');
      expect(JSON.stringify(app.logs)).not.toContain(pushover.token);
    } finally {
      await app.stop();
    }
  });
});
