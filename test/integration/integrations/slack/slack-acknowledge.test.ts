import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../../../src/http/ingest/fingerprint.js';
import { startFakeSlackApi, type FakeSlackApi } from '../../../support/fake-slack-api.js';
import { clickSigned, oncallSlackAction } from '../../../support/slack-click-harness.js';
import { startFakePagerDuty, type FakePagerDuty } from '../../../support/fake-pagerduty.js';
import { startTestService, type TestService } from '../../../support/test-service.js';

const SIGNING_SECRET = 'acknowledge-test-signing-secret';
const critical = { alertname: 'HighErrorRate', service: 'checkout', severity: 'critical' };
const warning = { alertname: 'HighErrorRate', service: 'search', severity: 'warning' };

describe('Acknowledge in Slack', () => {
  let slack: FakeSlackApi;
  let pagerduty: FakePagerDuty;
  let app: TestService;
  let notificationId: string;
  beforeAll(async () => {
    slack = await startFakeSlackApi();
    pagerduty = await startFakePagerDuty();
    const yaml = [
      'actions:',
      `  ${oncallSlackAction(slack, SIGNING_SECRET)}`,
      `  pd: { type: pagerduty, routing_key: R0UT1NGKEY0000000000000000000001, url: "${pagerduty.url}" }`,
      'routes:',
      '  - { matchers: [\'severity="critical"\'], actions: [oncall, pd] }',
      '  - { actions: [oncall] }',
      'delivery: { queue: memory }',
    ].join('\n');
    app = await startTestService(yaml);
    const answer = await app.post('/alert', {
      version: '4',
      groupKey: '{}:{alertname="HighErrorRate"}',
      status: 'firing',
      receiver: 'alertpipe',
      groupLabels: { alertname: 'HighErrorRate' },
      commonLabels: { alertname: 'HighErrorRate' },
      commonAnnotations: {},
      externalURL: 'http://alertmanager:9093',
      alerts: [critical, warning].map((labels) => ({
        status: 'firing',
        labels,
        annotations: {},
        startsAt: '2026-11-22T12:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: '',
      })),
    });
    notificationId = answer.body.id as string;
    await app.untilDone(notificationId);
  });
  afterAll(async () => {
    await app?.stop();
    await pagerduty?.close();
    await slack?.close();
  });

  it('marks the message and the history, and acknowledges in PagerDuty only the alerts routed there', async () => {
    expect(pagerduty.accepted.map((e) => e.event_action)).toEqual(['trigger']);
    expect(await clickSigned(app.url, SIGNING_SECRET, slack.topLevel()[0]!, 'acknowledge', 'U0CAROL01')).toBe(200);

    await pagerduty.standIn.waitForRequests(2);
    expect(pagerduty.accepted[1]).toMatchObject({ event_action: 'acknowledge', dedup_key: `alertpipe-${fingerprintOf(critical)}` });
    await app.waitForLog(() => slack.thread(slack.topLevel()[0]!.ts).length > 0);
    expect(slack.thread(slack.topLevel()[0]!.ts).map((m) => m.text)).toEqual([
      '👀 <@U0CAROL01> acknowledged\n📟 PagerDuty (pd): 1 incident acknowledged',
    ]);
    expect(JSON.stringify(slack.topLevel()[0]!.attachments)).toContain('Acknowledged by <@U0CAROL01> at');
    const record = await app.service.store.getNotification(notificationId);
    expect(record?.jobs.map((job) => job.action)).toEqual(['oncall', 'pd']);
    const ack = record?.events.find((event) => event.kind === 'acknowledged');
    expect(ack).toMatchObject({ action: 'oncall', by: { id: 'U0CAROL01', name: 'alice', via: 'Slack' } });
    expect([...(ack?.fingerprints ?? [])].sort()).toEqual([fingerprintOf(critical), fingerprintOf(warning)].sort());
  });
});
