import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api.js';
import { reportFigure } from '../support/figures.js';
import { postgresAvailable, startPostgres, type RealPostgres } from '../support/real-postgres.js';
import { startTestService, type TestService } from '../support/test-service.js';

const postgres = postgresAvailable();
const TRIALS = 20;
const REPLICAS = 3;
// The Slack app's limit (1 message a second per channel, bursts of 3) is shared by the replicas
// through the store: waiting for the burst to refill lets each trial's three deliveries start at
// once, as they would for a new group, instead of being spread out (and never racing) by the limit.
const BURST_REFILL_MS = 3_100;

/**
 * The same new group as three replicas get it from an HA Alertmanager pair and a resend: the same
 * group key, each copy with one more alert (so that no copy is a duplicate of another, and each
 * delivery has something to show).
 */
function webhookBody(alertname: string, pods: number): object {
  const alerts = Array.from({ length: pods }, (_, i) => ({
    status: 'firing',
    labels: { alertname, namespace: 'shop', pod: `cart-${i + 1}`, severity: 'critical' },
    annotations: { summary: 'Pod is crash looping.' },
    startsAt: '2026-11-22T12:04:00Z',
    endsAt: '0001-01-01T00:00:00Z',
  }));
  return {
    version: '4',
    groupKey: `{}:{alertname="${alertname}"}`,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'alertpipe',
    groupLabels: { alertname },
    commonLabels: { alertname, namespace: 'shop', severity: 'critical' },
    commonAnnotations: { summary: 'Pod is crash looping.' },
    externalURL: 'http://alertmanager:9093',
    alerts,
  };
}

describe.skipIf(!postgres.available)('three replicas on one PostgreSQL, the same new group arriving on each at once', () => {
  let server: RealPostgres;
  let slack: FakeSlackApi;
  const replicas: TestService[] = [];

  beforeAll(async () => {
    server = await startPostgres();
    const databaseUrl = await server.createDatabase();
    slack = await startFakeSlackApi();
    const yaml = [
      'actions:',
      `  slack: { type: slack, bot_token: "${slack.token}", channel: "#alerts", api_url: "${slack.url}", signing_secret: "0123456789abcdef" }`,
      'routes:',
      '  - actions: [slack]',
      'delivery:',
      '  queue: postgres',
      `  postgres: { url: "${databaseUrl}" }`,
      '  initial_backoff: 100ms',
      '',
    ].join('\n');
    for (let i = 0; i < REPLICAS; i++) replicas.push(await startTestService(yaml));
  }, 120_000);
  afterAll(async () => {
    for (const replica of replicas) await replica.stop();
    await slack?.close();
    server?.remove();
  });

  it(`posts exactly one top-level message per group, the other replicas editing it, in ${TRIALS} trials`, async () => {
    const topLevelPerTrial: number[] = [];
    for (let trial = 1; trial <= TRIALS; trial++) {
      await new Promise((resolve) => setTimeout(resolve, BURST_REFILL_MS));
      const alertname = `RaceTrial${trial}`;
      const answers = await Promise.all(replicas.map((replica, i) => replica.post('/alert', webhookBody(alertname, i + 1))));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      const records = await Promise.all(answers.map((a, i) => replicas[i]!.untilDone(a.body.id as string, 30_000)));
      const jobs = records.flatMap((record) => record.jobs.filter((job) => job.action === 'slack'));
      expect(jobs.map((job) => job.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      const posted = slack
        .calls('chat.postMessage')
        .filter((c) => c.thread_ts === undefined && JSON.stringify(c.metadata).includes(`alertname=\\"${alertname}\\"`));
      topLevelPerTrial.push(posted.length);
      // Whoever posted, the two others found its message: they edited it, or saw it newer already.
      const details = jobs.map((job) => job.attempts.at(-1)?.detail ?? '');
      expect(details.filter((d) => d.startsWith('posted the message'))).toHaveLength(1);
      expect(details.filter((d) => d.startsWith('updated the message') || d.includes('not applied'))).toHaveLength(2);
    }
    reportFigure('the same new group to three replicas at once', { trials: TRIALS, topLevelMessages: topLevelPerTrial.join(' ') });
    expect(topLevelPerTrial).toEqual(Array.from({ length: TRIALS }, () => 1));
  }, 180_000);
});
