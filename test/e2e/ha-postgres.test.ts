import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binariesAvailable } from '../support/binaries.js';
import { freePort, startChildService, type ChildService } from '../support/child-service.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { reportFigure } from '../support/figures.js';
import { startHttpStandIn, type HttpStandIn } from '../support/http-stand-in.js';
import { startAlertmanager, webhookAlertmanagerConfig, type RealAlertmanager } from '../support/real-alertmanager.js';
import { postgresAvailable, startPostgres, type RealPostgres } from '../support/real-postgres.js';
import { until } from '../support/until.js';

const tools = binariesAvailable('prometheus-alertmanager');
const postgres = postgresAvailable();
const BURST = 1000;

async function post(url: string, body: unknown): Promise<number> {
  try {
    const response = await fetch(`${url}/alert`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0; // refused or reset: not acknowledged, as Alertmanager would see it (and retry)
  }
}

describe.skipIf(!tools.available || !postgres.available)('three replicas on one PostgreSQL behind an Alertmanager HA pair', () => {
  let server: RealPostgres;
  let databaseUrl: string;
  let slack: FakeSlack;
  let receiver: HttpStandIn;
  let configFile: string;
  let dir: string;
  const replicas: ChildService[] = [];
  const alertmanagers: RealAlertmanager[] = [];

  beforeAll(async () => {
    server = await startPostgres();
    databaseUrl = await server.createDatabase();
    slack = await startFakeSlack();
    receiver = await startHttpStandIn(() => ({ status: 200, body: 'ok', delayMs: 5 }));
    dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-ha-'));
    configFile = path.join(dir, 'alertpipe.yml');
    writeFileSync(
      configFile,
      [
        'actions:',
        `  slack: { type: slack, webhook_url: "${slack.url}" }`,
        `  hook: { type: webhook, url: "${receiver.url}/burst", timeout: 5s }`,
        'routes:',
        '  - matchers: [\'kind="burst"\']',
        '    actions: [hook]',
        '  - actions: [slack]',
        'delivery:',
        '  queue: postgres',
        `  postgres: { url: "${databaseUrl}", lease: 3s }`,
        '  initial_backoff: 200ms',
        '  shutdown_grace: 1s',
        '',
      ].join('\n'),
    );
    for (let i = 0; i < 3; i++) replicas.push(await startChildService({ configFile, port: await freePort() }));
    const gossip = [await freePort(), await freePort()];
    for (const [index, replica] of replicas.slice(0, 2).entries()) {
      alertmanagers.push(
        await startAlertmanager(webhookAlertmanagerConfig(`${replica.url}/alert`), 'prometheus-alertmanager', {
          port: gossip[index]!,
          peers: gossip.filter((_, other) => other !== index),
        }),
      );
    }
  }, 120_000);

  afterAll(async () => {
    for (const am of alertmanagers) await am.stop();
    for (const replica of replicas) replica.process.kill('SIGKILL');
    await slack?.close();
    await receiver?.close();
    server?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const slackMessagesAbout = (name: string) =>
    slack.accepted.filter((m) => JSON.stringify(m.blocks).includes(name) || m.text.includes(name));

  it('sends one Slack message for the same notification sent to all three replicas', async () => {
    const body = {
      labels: { alertname: 'SameToAll', severity: 'critical' },
      annotations: { summary: 'sent to every replica' },
      startsAt: new Date().toISOString(),
    };
    const statuses = await Promise.all(replicas.map((replica) => post(replica.url, body)));
    expect(statuses).toEqual([200, 200, 200]);
    await until(() => slackMessagesAbout('SameToAll').length >= 1, 20_000, 'the Slack message');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    reportFigure('the same notification to three replicas', { posts: 3, slackMessages: slackMessagesAbout('SameToAll').length });
    expect(slackMessagesAbout('SameToAll')).toHaveLength(1);
  }, 60_000);

  it('sends one Slack message per alert that both Alertmanagers of the HA pair were given', async () => {
    const startsAt = new Date().toISOString();
    const alerts = [{ labels: { alertname: 'FromHaPair', pod: 'cart-1' }, annotations: { summary: 'HA pair' }, startsAt }];
    for (const am of alertmanagers) {
      const response = await fetch(`${am.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      expect(response.status).toBe(200);
    }
    await until(() => slackMessagesAbout('FromHaPair').length >= 1, 30_000, 'the Slack message');
    // Both members had their group_wait and the peer timeout to send; give a late duplicate its chance.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    // The history is shared: the third replica, which no Alertmanager points at, shows what both received.
    const history = (await (await fetch(`${replicas[2]!.url}/api/notifications?limit=50`)).json()) as {
      notifications: Array<{ alerts: Array<{ labels: Record<string, string> }> }>;
    };
    const received = history.notifications.filter((n) => n.alerts.some((a) => a.labels.alertname === 'FromHaPair')).length;
    expect(received).toBeGreaterThanOrEqual(1);
    reportFigure('an Alertmanager HA pair pointing at two replicas', {
      webhooksReceived: received,
      slackMessages: slackMessagesAbout('FromHaPair').length,
    });
    expect(slackMessagesAbout('FromHaPair')).toHaveLength(1);
  }, 60_000);

  it('keeps one Slack webhook to its rate limit across the three replicas', async () => {
    const count = 15;
    const before = slack.accepted.length;
    const statuses = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        post(replicas[i % 3]!.url, { labels: { alertname: 'RateLimited', n: String(i) }, startsAt: new Date().toISOString() }),
      ),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    await until(() => slack.accepted.length - before >= count, 60_000, 'every rate-limited message');
    const times = slack.accepted
      .slice(before)
      .map((m) => m.at)
      .sort((a, b) => a - b);
    // After the burst of 5, the rest come at the limit's rate: 1 a second for the webhook, not 3.
    const afterBurst = times.slice(5);
    const perSecond = (afterBurst.length - 1) / ((afterBurst[afterBurst.length - 1]! - afterBurst[0]!) / 1000);
    reportFigure('one Slack webhook, three replicas', {
      messages: count,
      firstToLastSeconds: (times[count - 1]! - times[0]!) / 1000,
      messagesPerSecondAfterBurst: Number(perSecond.toFixed(2)),
    });
    expect(perSecond).toBeLessThan(1.3);
  }, 90_000);

  // Alertmanager sends an alert again with the startsAt it had: a notification committed by a
  // replica killed before it could answer comes back as the same alert state, and is deduplicated.
  const burstStartsAt = new Date().toISOString();
  const burstBody = (run: string, seq: number) => ({
    labels: { alertname: 'Burst', kind: 'burst', run, seq: String(seq) },
    startsAt: burstStartsAt,
  });
  /** Each delivered notification's seq, from the bodies the receiver got for this run. */
  const deliveredSeqs = (run: string): number[] =>
    receiver.requests
      .flatMap((r) => (JSON.parse(r.body) as { alerts: Array<{ labels: { run: string; seq: string } }> }).alerts)
      .filter((a) => a.labels.run === run)
      .map((a) => Number(a.labels.seq));

  /** Sends `seqs` over `targets` round-robin, `concurrency` at a time, calling `onAnswer` with each status. */
  async function sendBurst(
    targets: () => ChildService[],
    run: string,
    seqs: number[],
    concurrency: number,
    onAnswer: (seq: number, status: number, sentAt: number) => void,
  ): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < seqs.length) {
          const index = next++;
          const seq = seqs[index] as number;
          const live = targets();
          const sentAt = Date.now();
          onAnswer(seq, await post(live[index % live.length]!.url, burstBody(run, seq)), sentAt);
        }
      }),
    );
  }

  it('delivers every acknowledged notification when one replica is killed during a burst, doubling only attempts in flight', async () => {
    const victim = replicas[2]!;
    const acked = new Set<number>();
    let inFlightAtKill = -1;
    let plannedAtKill = -1;
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      let killed = false;
      await sendBurst(
        () => replicas.filter((r) => r.process.exitCode === null && r.process.signalCode === null),
        'kill',
        Array.from({ length: BURST }, (_, i) => i),
        15,
        (seq, status) => {
          if (status !== 200) return;
          acked.add(seq);
          if (acked.size === 400 && !killed) {
            killed = true;
            victim.process.kill('SIGKILL');
            // What the killed replica held: attempts running and notifications being planned, read before any lease ran out.
            void victim.exited.then(async () => {
              const owner = `%:${victim.process.pid}:%`;
              const [jobs, notes] = await Promise.all([
                db.query<{ n: number }>(`SELECT count(*)::int AS n FROM alertpipe_jobs WHERE state = 'running' AND owner LIKE $1`, [owner]),
                db.query<{ n: number }>(
                  `SELECT count(*)::int AS n FROM alertpipe_notifications WHERE state = 'processing' AND owner LIKE $1`,
                  [owner],
                ),
              ]);
              inFlightAtKill = jobs.rows[0]!.n;
              plannedAtKill = notes.rows[0]!.n;
            });
          }
        },
      );
      // What Alertmanager does next: send again what was not acknowledged, to the replicas left.
      const unacked = Array.from({ length: BURST }, (_, i) => i).filter((seq) => !acked.has(seq));
      await sendBurst(
        () => replicas.slice(0, 2),
        'kill',
        unacked,
        10,
        (seq, status) => status === 200 && acked.add(seq),
      );
      await until(() => new Set(deliveredSeqs('kill')).size >= BURST, 120_000, 'all 1,000 delivered');
      await until(() => inFlightAtKill >= 0, 5_000, 'the count of attempts in flight');
      const all = deliveredSeqs('kill');
      const duplicates = all.length - new Set(all).size;
      reportFigure('kill -9 of one of three replicas during a burst of 1,000', {
        acknowledged: acked.size,
        attemptsInFlightAtKill: inFlightAtKill,
        beingPlannedAtKill: plannedAtKill,
        missing: [...acked].filter((seq) => !all.includes(seq)).length,
        delivered: new Set(all).size,
        duplicates,
      });
      expect(acked.size).toBe(BURST);
      expect([...acked].filter((seq) => !all.includes(seq))).toEqual([]);
      expect(duplicates).toBeLessThanOrEqual(inFlightAtKill);
    } finally {
      await db.end();
    }
  }, 240_000);

  it('answers no 2xx while PostgreSQL is stopped for 10 s, loses nothing, and recovers without a restart', async () => {
    const live = replicas.slice(0, 2);
    const answers: Array<{ seq: number; status: number; sentAt: number; answeredAt: number }> = [];
    let stoppedAt = Number.POSITIVE_INFINITY;
    let startingAt = Number.POSITIVE_INFINITY;
    let sending = true;
    const load = (async () => {
      for (let seq = 0; sending; seq++) {
        await sendBurst(
          () => live,
          'outage',
          [seq],
          1,
          (s, status, sentAt) => answers.push({ seq: s, status, sentAt, answeredAt: Date.now() }),
        );
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    server.stop();
    stoppedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    startingAt = Date.now();
    server.start();
    await until(
      async () => (await fetch(`${live[0]!.url}/readyz`)).status === 200 && (await fetch(`${live[1]!.url}/readyz`)).status === 200,
      30_000,
      'both replicas ready',
    );
    const readyAfterMs = Date.now() - startingAt;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    sending = false;
    await load;

    const acknowledged = answers.filter((a) => a.status === 200);
    const whileDown = answers.filter((a) => a.sentAt > stoppedAt && a.answeredAt < startingAt);
    await until(
      () => acknowledged.every((a) => deliveredSeqs('outage').includes(a.seq)),
      90_000,
      'every acknowledged notification delivered',
    );
    const all = deliveredSeqs('outage');
    reportFigure('PostgreSQL stopped for 10 s under load, two replicas', {
      requests: answers.length,
      acknowledged: acknowledged.length,
      answeredWhileDown: whileDown.length,
      acknowledgedWhileDown: whileDown.filter((a) => a.status >= 200 && a.status < 300).length,
      refusedWith503WhileDown: whileDown.filter((a) => a.status === 503).length,
      readyAfterRestartMs: readyAfterMs,
      missing: acknowledged.filter((a) => !all.includes(a.seq)).length,
      duplicates: all.length - new Set(all).size,
    });
    expect(whileDown.length).toBeGreaterThan(0);
    expect(whileDown.filter((a) => a.status >= 200 && a.status < 300)).toEqual([]);
    expect(answers.filter((a) => a.sentAt > startingAt + readyAfterMs).every((a) => a.status === 200)).toBe(true);
    for (const replica of live) expect(replica.process.exitCode).toBeNull();
  }, 180_000);
});
