import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { reportFigure } from '../support/figures.js';
import { fixtureText } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { until } from '../support/until.js';

let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(() => slack.close());

async function serviceWith(delivery: string): Promise<TestService> {
  return startTestService(
    `actions:\n  slack: { type: slack, webhook_url: "${slack.url}" }\nroutes:\n  - actions: [slack]\ndelivery:\n${delivery}`,
  );
}

const alert = (name: string) => ({ labels: { alertname: name, severity: 'critical' }, annotations: { summary: `${name} fired` } });

describe('Slack answering 503 for 20 seconds while notifications arrive', () => {
  it('delivers each notification exactly once after it recovers', async () => {
    const app = await serviceWith('  initial_backoff: 500ms\n  max_backoff: 4s\n');
    const before = slack.accepted.length;
    try {
      slack.failWith({ status: 503, body: 'service unavailable' });
      const outageStart = Date.now();
      const names: string[] = [];
      // One notification every 2 s during the outage.
      for (let i = 0; i < 10; i++) {
        names.push(`Outage${i}`);
        expect((await app.post('/alert', alert(`Outage${i}`))).status).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
      const failedAttempts = slack.standIn.requests.length;
      slack.failWith(undefined);
      const recovered = Date.now();
      await until(() => slack.accepted.length - before >= names.length, 30_000, 'every message');
      await new Promise((resolve) => setTimeout(resolve, 3000)); // would a duplicate still come?
      const received = slack.accepted.slice(before).map((m) => m.text);
      const perName = names.map((name) => received.filter((text) => text.includes(` ${name}:`)).length);
      reportFigure('slack 503 for 20 s', {
        notifications: names.length,
        outageSeconds: Math.round((recovered - outageStart) / 1000),
        refusedAttempts: failedAttempts,
        delivered: received.length,
        duplicates: received.length - new Set(received).size,
        drainedSecondsAfterRecovery: Math.round((slack.accepted.at(-1)!.at - recovered) / 100) / 10,
      });
      expect(perName).toEqual(names.map(() => 1));
    } finally {
      await app.stop();
    }
  }, 90_000);
});

describe('Slack answering 429 with Retry-After: 2', () => {
  it('retries no sooner than 2 s later', async () => {
    const app = await serviceWith('  initial_backoff: 100ms\n');
    try {
      const requestsBefore = slack.standIn.requests.length;
      slack.failWith({ status: 429, body: 'rate_limited', headers: { 'retry-after': '2' } });
      await app.post('/alert', alert('Throttled'));
      await until(() => slack.standIn.requests.length > requestsBefore, 5000, 'first attempt');
      slack.failWith(undefined);
      await until(() => slack.accepted.some((m) => m.text.includes('Throttled')), 10_000, 'the retry');
      const [first, second] = slack.standIn.requests.slice(requestsBefore);
      const waited = second!.at - first!.at;
      reportFigure('slack 429 Retry-After 2', { retriedAfterMs: waited });
      expect(waited).toBeGreaterThanOrEqual(2000);
    } finally {
      await app.stop();
    }
  });
});

describe('the same notification three times', () => {
  it('posts one message, whether the copies come one after another or at once', async () => {
    const app = await serviceWith('  dedup_window: 10m\n');
    try {
      const before = slack.accepted.length;
      const body = fixtureText('alertmanagerGroup');
      for (let i = 0; i < 3; i++) expect((await app.post('/alert', body)).status).toBe(200);
      // An HA pair: the same group from two Alertmanagers at the same moment.
      const concurrent = fixtureText('singleAlert');
      await Promise.all([1, 2, 3].map(() => app.post('/alert', concurrent)));
      await until(() => slack.accepted.length - before >= 2, 10_000, 'two messages');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const texts = slack.accepted.slice(before).map((m) => m.text);
      reportFigure('same notification three times', { posted: 6, messages: texts.length });
      expect(texts.filter((t) => t.includes('KubePodCrashLooping shop'))).toHaveLength(1);
      expect(texts.filter((t) => t.includes('customer'))).toHaveLength(1);
      expect(texts).toHaveLength(2);
    } finally {
      await app.stop();
    }
  });

  it('posts the repeat once the window has passed, as people expect reminders', async () => {
    const app = await serviceWith('  dedup_window: 1s\n');
    try {
      const before = slack.accepted.length;
      // The very same alert state each time: only the window decides.
      const reminder = { ...alert('Reminder'), startsAt: '2026-11-22T12:00:00Z' };
      await app.post('/alert', reminder);
      await until(() => slack.accepted.length - before === 1, 5000, 'first message');
      await app.post('/alert', reminder);
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect(slack.accepted.length - before).toBe(1);
      await app.post('/alert', reminder);
      await until(() => slack.accepted.length - before === 2, 5000, 'the reminder');
    } finally {
      await app.stop();
    }
  });
});
