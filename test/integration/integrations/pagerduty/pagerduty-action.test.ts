import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pagerdutyActionType } from '../../../../src/integrations/pagerduty/pagerduty-action.js';
import type { Job, NotificationRecord } from '../../../../src/store/ports/records.js';
import { createLogger } from '../../../../src/observability/logger.js';
import { alertWith, enriched, notificationOf } from '../../../support/alerts.js';
import { fixtureText } from '../../../support/fixtures.js';
import { startFakePagerDuty, type FakePagerDuty } from '../../../support/fake-pagerduty.js';
import { startTestService, type TestService } from '../../../support/test-service.js';
import { createChartRenderer } from '../../../../src/charts/render-chart-png.js';

const ROUTING_KEY = 'R0UT1NGKEY0000000000000000000001';

/** The fixture group (two crash-looping pods), or the same group once both alerts resolved. */
function group(status: 'firing' | 'resolved'): string {
  const body = JSON.parse(fixtureText('alertmanagerGroup')) as { status: string; alerts: Array<{ status: string; endsAt: string }> };
  if (status === 'resolved') {
    body.status = 'resolved';
    for (const alert of body.alerts) Object.assign(alert, { status: 'resolved', endsAt: '2026-11-22T12:30:00Z' });
  }
  return JSON.stringify(body);
}

let pagerduty: FakePagerDuty;

const pageJob = (record: NotificationRecord): Job => {
  const job = record.jobs.find((j) => j.action !== 'log');
  if (!job) throw new Error(`no pagerduty job in ${JSON.stringify(record.jobs)}`);
  return job;
};

beforeAll(async () => {
  pagerduty = await startFakePagerDuty(ROUTING_KEY);
});
afterAll(() => pagerduty.close());
beforeEach(() => {
  pagerduty.failWith(undefined);
  pagerduty.accepted.length = 0;
  pagerduty.open.clear();
  pagerduty.standIn.requests.length = 0;
});

function configFor(routingKey = ROUTING_KEY): string {
  return [
    'delivery:',
    '  dedup_window: 0',
    '  initial_backoff: 100ms',
    '  max_backoff: 300ms',
    'actions:',
    `  page: { type: pagerduty, routing_key: "${routingKey}", url: "${pagerduty.url}", severity_map: { P1: critical } }`,
  ].join('\n');
}

describe('pagerduty action', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService(configFor());
  });
  afterAll(() => service.stop());

  it('opens one incident per firing alert and resolves exactly those when the group resolves', async () => {
    const firing = await service.post('/alert', group('firing'));
    expect(firing.status).toBe(200);
    const record = await service.untilDone(String(firing.body.id));
    expect(pageJob(record).state).toBe('succeeded');
    expect(pagerduty.accepted.map((e) => e.event_action)).toEqual(['trigger', 'trigger']);
    expect([...pagerduty.open.keys()]).toEqual(['alertpipe-5fab0dffa4d7754b', 'alertpipe-771f81db41980164']);
    const [first] = pagerduty.accepted;
    expect(first!.payload).toMatchObject({
      summary: 'Pod is crash looping.',
      source: 'shop/cart-7d9f8b6c5-x2x9z',
      severity: 'critical',
      component: 'cart',
      group: 'shop',
      class: 'KubePodCrashLooping',
    });
    expect(first!.payload!.custom_details).toMatchObject({ labels: { pod: 'cart-7d9f8b6c5-x2x9z' }, fingerprint: '5fab0dffa4d7754b' });
    expect(first!.links?.find((l) => l.text === 'Silence')?.href).toMatch(/^http:\/\/.+\/#\/silences\/new\?filter=/);
    expect(pagerduty.standIn.requests[0]!.headers['content-type']).toBe('application/json');

    const resolved = await service.post('/alert', group('resolved'));
    await service.untilDone(String(resolved.body.id));
    expect(pagerduty.accepted.slice(2).map((e) => [e.event_action, e.dedup_key])).toEqual([
      ['resolve', 'alertpipe-5fab0dffa4d7754b'],
      ['resolve', 'alertpipe-771f81db41980164'],
    ]);
    expect(pagerduty.open.size).toBe(0);
    expect(pagerduty.incidentsOpened()).toBe(2);
  });

  it('retries a 429 after its Retry-After and a 503, and delivers once PagerDuty takes events again', async () => {
    pagerduty.failWith({
      status: 429,
      body: { status: 'throttle event', message: 'Requests for this service are arriving too quickly' },
      headers: { 'retry-after': '1' },
    });
    const { body } = await service.post('/alert', fixtureText('singleAlert'));
    await pagerduty.standIn.waitForRequests(1);
    pagerduty.failWith({ status: 503, body: 'upstream unavailable' });
    await pagerduty.standIn.waitForRequests(2, 5000);
    pagerduty.failWith(undefined);
    const record = await service.untilDone(String(body.id));
    const calls = pagerduty.standIn.requests.length;
    const job = pageJob(record);
    expect(job.state).toBe('succeeded');
    expect(job.attempts.map((a) => a.outcome)).toEqual(['retry', 'retry', 'success']);
    expect(job.attempts[0]!.error).toContain('PagerDuty answered 429');
    expect(job.attempts[1]!.error).toContain('PagerDuty answered 503');
    // The 429 said one second: the second attempt came no sooner.
    const [throttled, second] = pagerduty.standIn.requests;
    expect(second!.at - throttled!.at).toBeGreaterThanOrEqual(1000);
    expect(calls).toBe(3);
    expect(pagerduty.accepted).toHaveLength(1);
  });

  it('never retries an invalid event, and records why', async () => {
    const bad = await startTestService(configFor('too-short'));
    try {
      const { body } = await bad.post('/alert', fixtureText('singleAlert'));
      const record = await bad.untilDone(String(body.id));
      const job = pageJob(record);
      expect(job.state).toBe('failed');
      expect(job.attempts).toHaveLength(1);
      expect(job.attempts[0]!.error).toContain('PagerDuty answered 400: {"status":"invalid event"');
      expect(job.attempts[0]!.error).toContain("Length of 'routing_key' is incorrect");
      expect(pagerduty.accepted).toHaveLength(0);
    } finally {
      await bad.stop();
    }
  });

  it('keeps the routing key out of the log and the history', async () => {
    const { body } = await service.post('/alert', fixtureText('singleAlert'));
    await service.untilDone(String(body.id));
    expect(JSON.stringify(service.logs)).not.toContain(ROUTING_KEY);
    const history = await fetch(`${service.url}/api/notifications/${String(body.id)}`).then((r) => r.text());
    expect(history).toContain('triggered 1');
    expect(history).not.toContain(ROUTING_KEY);
  });
});

describe('pagerduty action, a trigger retried after its resolve', () => {
  it('is not sent: it would reopen an incident for an alert that has ended', async () => {
    const action = pagerdutyActionType.create(
      'page',
      pagerdutyActionType.schema.parse({ type: 'pagerduty', routing_key: ROUTING_KEY, url: pagerduty.url }),
      {
        logger: createLogger({ level: 'error', format: 'json' }),
        charts: createChartRenderer(),
      },
    );
    const ctx = { logger: createLogger({ level: 'error', format: 'json' }), signal: AbortSignal.timeout(5000), attempt: 1 };
    const labels = { alertname: 'InstanceDown', instance: 'db-1:9100' };
    const firing = enriched(notificationOf([alertWith(labels)]));
    const resolved = enriched(notificationOf([alertWith(labels, 'resolved')]));

    // The firing notification's delivery failed and waits for its retry; the resolve goes first.
    await action.handle(resolved, ctx);
    const retried = await action.handle(firing, ctx);
    expect(retried).toMatchObject({ detail: 'skipped 1 resolved since' });
    expect(pagerduty.accepted.map((e) => e.event_action)).toEqual(['resolve']);

    // The same alert firing again later is a new incident.
    const again = enriched(notificationOf([{ ...alertWith(labels), startsAt: new Date('2026-11-22T13:00:00Z') }]));
    expect(await action.handle(again, ctx)).toMatchObject({ detail: 'triggered 1' });
    expect(pagerduty.open.size).toBe(1);
  });
});

describe('pagerduty from the environment alone', () => {
  it('pages every alert when PAGERDUTY_ROUTING_KEY is set, through PAGERDUTY_EVENTS_URL', async () => {
    const service = await startTestService(null, { PAGERDUTY_ROUTING_KEY: ROUTING_KEY, PAGERDUTY_EVENTS_URL: pagerduty.url });
    try {
      // Prometheus's own push: an InstanceDown whose endsAt has passed, so it is resolved.
      const { body } = await service.post('/alert', fixtureText('prometheusPush'));
      await service.untilDone(String(body.id));
      expect(pagerduty.accepted.map((e) => e.event_action)).toEqual(['resolve']);
      const firing = await service.post('/alert', fixtureText('singleAlert'));
      await service.untilDone(String(firing.body.id));
      expect(pagerduty.accepted.map((e) => e.event_action)).toEqual(['resolve', 'trigger']);
    } finally {
      await service.stop();
    }
  });
});
