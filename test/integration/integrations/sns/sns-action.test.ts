import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseConfigText } from '../../../../src/config/load-config.js';
import type { EnrichedNotification } from '../../../../src/model/model.js';
import { attemptContext, chatAction, enrichedGroup, failureOf } from '../../../support/chat-platforms.js';
import { startFakeSns, type FakeSns } from '../../../support/fake-sns.js';
import { fixtureText } from '../../../support/fixtures.js';
import { startTestService } from '../../../support/test-service.js';

let sns: FakeSns;
beforeAll(async () => {
  sns = await startFakeSns();
});
afterAll(() => sns.close());
beforeEach(() => {
  sns.throttle = 0;
});

// An entry of an alertmanager.yml's `sns_configs`, `type` added; the subject is a template, in Liquid.
const pasted = (): Record<string, unknown> =>
  parseYaml(`
type: sns
api_url: ${sns.url}
sigv4:
  region: ${sns.region}
  access_key: ${sns.accessKey}
  secret_key: ${sns.secretKey}
topic_arn: ${sns.topicArn}
subject: '[{{ status | upcase }}] {{ commonLabels.alertname }}'
attributes:
  severity: critical
  team: shop
send_resolved: true
`) as Record<string, unknown>;

const resolvedOf = (n: EnrichedNotification): EnrichedNotification => ({
  ...n,
  status: 'resolved',
  alerts: n.alerts.map((a) => ({ ...a, status: 'resolved', endsAt: new Date('2026-11-22T12:30:00Z') })),
});

describe('sns action', () => {
  it('publishes a pasted sns_configs entry, signed with Signature V4, with the enrichment and attributes', async () => {
    expect(() => parseConfigText(`actions:\n  topic: ${JSON.stringify(pasted())}\n`, 'test', {})).not.toThrow();
    const result = await chatAction('sns', pasted()).handle(enrichedGroup(), attemptContext());
    const { params, messageId } = sns.published.at(-1)!;
    expect(params).toMatchObject({ TopicArn: sns.topicArn, Subject: '[FIRING] KubePodCrashLooping' });
    expect(params['MessageAttributes.entry.1.Name']).toBe('severity');
    expect(params['MessageAttributes.entry.2.Value.StringValue']).toBe('shop');
    expect(params.Message).toContain('CPU: 0.42 cores · 84% of limit 0.5 cores · request 0.25 cores · ▁▂▃▅▇');
    expect(params.Message).toContain('⚠ pod-resources: no cAdvisor metrics');
    expect(result).toMatchObject({ data: { messageId } });
  });

  it('publishes the resolve as a new message, its subject the ASCII SNS takes', async () => {
    const { subject: _subject, ...entry } = pasted();
    await chatAction('sns', entry).handle(resolvedOf(enrichedGroup()), attemptContext());
    expect(sns.published.at(-1)!.params.Subject).toBe('RESOLVED: KubePodCrashLooping (2)');
  });

  it('sends an SMS within 1,600 bytes, without a subject', async () => {
    const { topic_arn: _topic, ...entry } = pasted();
    const n = enrichedGroup();
    const alerts = Array.from({ length: 40 }, (_, i) => ({
      ...n.alerts[0]!,
      fingerprint: String(i),
      labels: { ...n.alerts[0]!.labels, pod: `p-${i}` },
    }));
    await chatAction('sns', { ...entry, phone_number: '+15551234567' }).handle({ ...n, alerts }, attemptContext());
    const { params } = sns.published.at(-1)!;
    expect(params.PhoneNumber).toBe('+15551234567');
    expect(params.Subject).toBeUndefined();
    expect(Buffer.byteLength(params.Message!)).toBeLessThanOrEqual(1600);
    expect(params.Message).toMatch(/…and \d+ more alerts/);
  });

  it('is refused with a wrong secret key, not retried, and the key stays out of the error', async () => {
    const entry = pasted();
    const wrong = `${sns.secretKey.slice(0, -4)}XXXX`;
    const error = await failureOf(
      chatAction('sns', { ...entry, sigv4: { ...(entry.sigv4 as object), secret_key: wrong } }),
      enrichedGroup(),
    );
    expect(error).toMatchObject({ retryable: false, status: 403 });
    expect(error.message).toContain('SignatureDoesNotMatch');
    expect(error.message).not.toContain(wrong);
    const missing = await failureOf(chatAction('sns', { ...entry, topic_arn: 'arn:aws:sns:eu-west-1:123456789012:gone' }), enrichedGroup());
    expect(missing).toMatchObject({ retryable: false, status: 404 });
  });

  it('retries Throttling, an HTTP 400 that says to wait', async () => {
    sns.throttle = 1;
    const error = await failureOf(chatAction('sns', pasted()), enrichedGroup());
    expect(error).toMatchObject({ retryable: true, status: 400, retryAfterMs: 1000 });
    expect(error.message).toContain('Throttling: Rate exceeded');
  });

  it('refuses a config SNS could not take, naming the field', () => {
    const problem = (fields: Record<string, unknown>): string => {
      try {
        chatAction('sns', { ...pasted(), ...fields });
      } catch (error) {
        return String(error);
      }
      return 'accepted';
    };
    expect(problem({ phone_number: '+15551234567' })).toContain('exactly one of topic_arn, target_arn and phone_number');
    expect(problem({ sigv4: { access_key: sns.accessKey } })).toMatch(/"secret_key"[^]*expected the key that signs/);
    expect(problem({ sigv4: { profile: 'prod' } })).toContain('not supported (a profile or a role needs the AWS SDK credential chain');
    expect(problem({ topic_arn: undefined, phone_number: '+15551234567', sigv4: { access_key: 'a', secret_key: 'b' } })).toMatch(
      /"region"[^]*expected the region/,
    );
    expect(problem({ subject: '{{ .CommonLabels.alertname }}' })).toContain('actions.sns.subject');
  });
});

describe('sns through the service', () => {
  it('delivers after the throttle, retried rather than lost', async () => {
    sns.throttle = 1;
    const app = await startTestService(`actions:\n  topic: ${JSON.stringify(pasted())}\nroutes:\n  - actions: [topic]\n`);
    try {
      const before = sns.standIn.requests.length;
      const { body } = await app.post('/alert', fixtureText('alertmanagerGroup'));
      const record = await app.untilDone(String(body.id));
      expect(record.jobs.find((j) => j.action === 'topic')!.attempts.map((a) => a.outcome)).toEqual(['retry', 'success']);
      const [throttled, sent] = sns.standIn.requests.slice(before);
      expect(sent!.at - throttled!.at).toBeGreaterThanOrEqual(900);
      expect(JSON.stringify(app.logs)).not.toContain(sns.secretKey);
    } finally {
      await app.stop();
    }
  });
});
