import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Action } from '../../../../src/integrations/action.js';
import { parseConfigText } from '../../../../src/config/load-config.js';
import type { EnrichedNotification } from '../../../../src/model/model.js';
import type { MessageRef, MessageRefStore } from '../../../../src/store/ports/message-refs.js';
import type { ChartRenderer } from '../../../../src/charts/render-chart-png.js';
import { actionConfigSchema, createAction, type ActionConfig } from '../../../../src/integrations/registry.js';
import { createSilentLogger } from '../../../../src/observability/logger.js';
import { MemoryStore } from '../../../../src/store/memory/memory-store.js';
import { attemptContext, chatAction, enrichedGroup, failureOf, withGraph } from '../../../support/chat-platforms.js';
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
  pushover.attachmentLimit = 5_242_880;
});

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

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

describe('pushover with the graph attached', () => {
  const minimal = () => ({ user_key: pushover.userKey, token: pushover.token, api_url: pushover.url });
  /** The action drawing with this renderer instead of the real one: one that fails, or draws too much. */
  const drawingWith = (charts: ChartRenderer): Action =>
    createAction('pushover', actionConfigSchema.parse({ type: 'pushover', timeout: '2s', ...minimal() }) as ActionConfig, {
      logger: createSilentLogger(),
      charts,
    });

  it('sends the firing message multipart with the graph PNG as its attachment, the form fields beside it', async () => {
    const before = pushover.accepted.length;
    const result = await build(minimal()).handle(withGraph(enrichedGroup()), attemptContext());
    expect(pushover.accepted.length - before).toBe(1);
    const { form, attachment } = pushover.accepted.at(-1)!;
    expect(String(pushover.standIn.requests.at(-1)!.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    expect(attachment).toMatchObject({ contentType: 'image/png', filename: `${enrichedGroup().alerts[0]!.fingerprint}.png` });
    expect(attachment!.bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(form).toMatchObject({ priority: '2', retry: '60', expire: '3600' });
    expect(form.message).toContain('CPU: 0.42 cores');
    expect(result).toMatchObject({ detail: expect.stringContaining('with the graph') as string, data: { graph: true } });
  });

  it('sends the text alone when Pushover refuses the attachment', async () => {
    pushover.attachmentLimit = 100;
    const requests = pushover.standIn.requests.length;
    const result = await build(minimal()).handle(withGraph(enrichedGroup()), attemptContext());
    const [refused, sent] = pushover.standIn.requests.slice(requests);
    expect(String(refused!.headers['content-type'])).toMatch(/^multipart\/form-data/);
    expect(String(sent!.headers['content-type'])).toBe('application/x-www-form-urlencoded');
    expect(pushover.accepted.at(-1)!.attachment).toBeUndefined();
    expect(pushover.accepted.at(-1)!.form.message).toContain('CPU: 0.42 cores');
    expect(result).toMatchObject({ detail: expect.stringContaining('without the graph (refused)') as string, data: { graph: false } });
  });

  it('sends the text alone when the graph cannot be drawn, or is over Pushover’s 5 MB, without trying the upload', async () => {
    const failing = drawingWith({ fontFiles: [], render: () => Promise.reject(new Error('rasteriser out of memory')) });
    const tooLarge = drawingWith({ fontFiles: [], render: () => Promise.resolve(Buffer.concat([PNG_SIGNATURE, Buffer.alloc(5_242_880)])) });
    for (const action of [failing, tooLarge]) {
      const requests = pushover.standIn.requests.length;
      const result = await action.handle(withGraph(enrichedGroup()), attemptContext());
      expect(pushover.standIn.requests.length - requests).toBe(1);
      expect(String(pushover.standIn.requests.at(-1)!.headers['content-type'])).toBe('application/x-www-form-urlencoded');
      expect(pushover.accepted.at(-1)!.attachment).toBeUndefined();
      expect(result).toMatchObject({ data: { graph: false } });
    }
  });

  it('attaches no graph to the resolve, nor with graph: false', async () => {
    await build({ ...minimal(), send_resolved: true }).handle(resolvedOf(withGraph(enrichedGroup())), attemptContext());
    expect(pushover.accepted.at(-1)!.attachment).toBeUndefined();
    await build({ ...minimal(), graph: false }).handle(withGraph(enrichedGroup()), attemptContext());
    expect(pushover.accepted.at(-1)!.attachment).toBeUndefined();
  });
});

describe('pushover across replicas', () => {
  it('leaves one emergency ringing when two replicas page the same group at once, every other cancelled', async () => {
    // Two replicas: two actions, one delivery store (its message references and first-post claims).
    const store = new MemoryStore({ maxPending: 10, historyLimit: 10 });
    const context = () => ({ ...attemptContext(), messageRefs: store, firstPostClaims: store });
    const entry = parseYaml(pasted()) as Record<string, unknown>;
    const before = pushover.accepted.length;
    const cancelledBefore = pushover.cancelled.length;
    await Promise.all([build(entry).handle(enrichedGroup(), context()), build(entry).handle(enrichedGroup(), context())]);
    const receipts = pushover.accepted.slice(before).map((m) => m.receipt!);
    expect(receipts).toHaveLength(2);
    const ringing = receipts.filter((r) => !pushover.cancelled.slice(cancelledBefore).includes(r));
    expect(ringing).toHaveLength(1);
    // The one still ringing is the one the store keeps, so the resolve cancels it.
    await build(entry).handle(resolvedOf(enrichedGroup()), context());
    expect(pushover.cancelled.at(-1)).toBe(ringing[0]);
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
      // Not before the quota renews: measured from the reset itself, not from when the 429 happened to arrive.
      expect(throttled!.at).toBeLessThan(pushover.resetAt * 1000);
      expect(sent!.at).toBeGreaterThanOrEqual(pushover.resetAt * 1000 - 25);
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
