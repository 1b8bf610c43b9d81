import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startChildService, type ChildService } from '../support/child-service.js';
import { groupBody, sleep } from '../support/escalation-scene.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { postgresAvailable, startPostgres, type RealPostgres } from '../support/real-postgres.js';
import { until } from '../support/until.js';

const postgres = postgresAvailable();
const STEP_GAP_MS = 8_000;

/** A config whose chain posts to the Slack stand-in at once, and again `STEP_GAP_MS` later. */
function escalationConfig(slack: FakeSlack, delivery: string[]): string {
  return [
    'actions:',
    `  chat: { type: slack, webhook_url: "${slack.url}" }`,
    'escalations:',
    '  page:',
    '    steps:',
    '      - actions: [chat]',
    `      - { after: ${STEP_GAP_MS / 1000}s, actions: [chat] }`,
    'routes:',
    '  - escalation: page',
    'delivery:',
    ...delivery.map((line) => `  ${line}`),
    '  initial_backoff: 200ms',
    '  shutdown_grace: 1s',
    '',
  ].join('\n');
}

async function post(url: string, body: object): Promise<number> {
  const response = await fetch(`${url}/alert`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

const postsOf = (slack: FakeSlack, alertname: string, step: number) =>
  slack.accepted.filter((m) => JSON.stringify(m.blocks).includes(alertname) && JSON.stringify(m.blocks).includes(`step ${step} of 2`));

/** The `escalation step run` lines a child logged: how late each step ran. */
function stepLines(child: ChildService): Array<{ step: number; lateMs: number }> {
  return child.output
    .filter((line) => line.includes('"escalation step run"'))
    .map((line) => JSON.parse(line) as { step: number; lateMs: number });
}

describe('an escalation step after kill -9', () => {
  let slack: FakeSlack;
  let dir: string;
  let child: ChildService | undefined;
  beforeAll(async () => {
    slack = await startFakeSlack();
    dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-escalation-'));
  });
  afterAll(async () => {
    child?.process.kill('SIGKILL');
    await slack?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs on time, once, when the process was killed between two steps and started again', async () => {
    const configFile = path.join(dir, 'alertpipe.yml');
    writeFileSync(configFile, escalationConfig(slack, ['queue: sqlite', `data_dir: "${path.join(dir, 'data')}"`]));
    const port = await freePort();
    child = await startChildService({ configFile, port });
    expect(await post(child.url, groupBody('Killed', 'firing'))).toBe(200);
    await until(() => postsOf(slack, 'Killed', 1).length === 1, 10_000, 'step 1');
    const firstAt = postsOf(slack, 'Killed', 1)[0]?.at ?? 0;

    child.process.kill('SIGKILL');
    await child.exited;
    child = await startChildService({ configFile, port });
    // Started again well before step 2 falls due.
    expect(Date.now() - firstAt).toBeLessThan(STEP_GAP_MS - 1_000);
    await until(() => postsOf(slack, 'Killed', 2).length === 1, STEP_GAP_MS + 5_000, 'step 2 after the restart');
    const gap = (postsOf(slack, 'Killed', 2)[0]?.at ?? 0) - firstAt;
    expect(gap).toBeGreaterThanOrEqual(STEP_GAP_MS - 500);
    expect(gap).toBeLessThan(STEP_GAP_MS + 2_000);
    expect(stepLines(child).map((line) => line.step)).toEqual([2]);
    expect(stepLines(child)[0]?.lateMs).toBeLessThan(1_500);
    await sleep(2_000);
    expect(postsOf(slack, 'Killed', 2)).toHaveLength(1);
    expect(postsOf(slack, 'Killed', 1)).toHaveLength(1);
  }, 60_000);
});

describe.skipIf(!postgres.available)('escalation steps with two replicas on one PostgreSQL', () => {
  let server: RealPostgres;
  let slack: FakeSlack;
  let dir: string;
  const replicas: ChildService[] = [];
  beforeAll(async () => {
    server = await startPostgres();
    const databaseUrl = await server.createDatabase();
    slack = await startFakeSlack();
    dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-escalation-ha-'));
    const configFile = path.join(dir, 'alertpipe.yml');
    writeFileSync(configFile, escalationConfig(slack, ['queue: postgres', `postgres: { url: "${databaseUrl}", lease: 3s }`]));
    for (let i = 0; i < 2; i++) replicas.push(await startChildService({ configFile, port: await freePort() }));
  }, 120_000);
  afterAll(async () => {
    for (const replica of replicas) replica.process.kill('SIGKILL');
    await slack?.close();
    server?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs each step once, on time, whichever replica received the group and however often', async () => {
    // Both replicas are told (as an Alertmanager HA pair would): one episode, each step once.
    const statuses = await Promise.all(replicas.map((replica) => post(replica.url, groupBody('Shared', 'firing'))));
    expect(statuses).toEqual([200, 200]);
    await until(() => postsOf(slack, 'Shared', 1).length >= 1, 10_000, 'step 1');
    const firstAt = postsOf(slack, 'Shared', 1)[0]?.at ?? 0;
    await until(() => postsOf(slack, 'Shared', 2).length >= 1, STEP_GAP_MS + 5_000, 'step 2');
    const gap = (postsOf(slack, 'Shared', 2)[0]?.at ?? 0) - firstAt;
    expect(gap).toBeGreaterThanOrEqual(STEP_GAP_MS - 500);
    expect(gap).toBeLessThan(STEP_GAP_MS + 2_000);
    await sleep(3_000);
    expect(postsOf(slack, 'Shared', 1)).toHaveLength(1);
    expect(postsOf(slack, 'Shared', 2)).toHaveLength(1);
    expect(
      replicas
        .flatMap(stepLines)
        .map((line) => line.step)
        .sort(),
    ).toEqual([1, 2]);
  }, 60_000);
});
