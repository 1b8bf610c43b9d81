import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load-config.js';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack.js';
import { begin, groupBody, groupKeyOf, sleep, stepsRun } from '../../support/escalation-scene.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { until } from '../../support/until.js';

/** Two policies on two routes; `without` leaves one (or both) out of the config, and its route's `escalation:`. */
function configYaml(slack: FakeSlack, without?: 'gone' | 'both'): string {
  if (without === 'both')
    return [
      'actions:',
      `  chat: { type: slack, webhook_url: "${slack.url}" }`,
      'routes:',
      '  - actions: [chat]',
      'delivery: { queue: memory }',
    ].join('\n');
  return [
    'actions:',
    `  chat: { type: slack, webhook_url: "${slack.url}" }`,
    'escalations:',
    ...(without === 'gone' ? [] : ['  gone:', '    steps:', '      - actions: [chat]', '      - { after: 1500ms, actions: [chat] }']),
    '  kept:',
    '    steps:',
    '      - actions: [chat]',
    '      - { after: 1500ms, actions: [chat] }',
    'routes:',
    `  - { matchers: ['alertname="Orphaned"'], actions: [chat]${without === 'gone' ? '' : ', escalation: gone'} }`,
    '  - { matchers: [\'severity="critical"\'], escalation: kept }',
    'delivery: { queue: memory }',
  ].join('\n');
}

describe('a reload that removes a policy while its episodes are open', () => {
  let slack: FakeSlack;
  let app: TestService;
  let yaml: string;
  beforeAll(async () => {
    slack = await startFakeSlack();
    yaml = configYaml(slack);
    app = await startTestService(
      yaml,
      {},
      { loadConfig: async () => ({ config: parseConfigText(yaml, 'test config', {}), source: 'file', baseDir: process.cwd() }) },
    );
  });
  afterAll(async () => {
    await app?.stop();
    await slack?.close();
  });

  it("stops the open episode's chain (logged once, in its history), keeps it open, and the other policy walks on", async () => {
    const orphaned = await begin(app, 'Orphaned', { firstStep: true });

    yaml = configYaml(slack, 'gone');
    expect(await app.service.reload()).toMatchObject({ ok: true });
    const walking = await begin(app, 'Walking', { firstStep: true });
    await until(() => stepsRun(app, walking).length === 2, 4_000, "the kept policy's second step");
    await sleep(1_000);
    expect(stepsRun(app, orphaned)).toHaveLength(1);
    const warned = app.logs.filter(
      (line) => line.message === 'escalation policy of an open episode is no longer configured; its chain stopped',
    );
    expect(warned).toEqual([expect.objectContaining({ incident: orphaned, policy: 'gone', step: 2 })]);
    const episode = await app.service.store.getIncident(orphaned);
    expect(episode).toMatchObject({ state: 'triggered', nextStep: 1 });
    expect(episode?.nextStepAt).toBeUndefined();
    const history = await app.service.store.getNotification(episode?.notificationId ?? '');
    expect(history?.events.filter((e) => e.incident === orphaned).map((e) => e.kind)).toEqual(['incident-opened', 'escalation-stopped']);
    const timeline = (await (await fetch(`${app.url}/api/alerts/${history?.notification.alerts[0]?.fingerprint}/timeline`)).json()) as {
      timeline: Array<{ kind: string; detail?: string }>;
    };
    expect(timeline.timeline.find((entry) => entry.kind === 'escalation-stopped')?.detail).toMatch(
      /chain stopped .*policy gone is no longer configured/,
    );
  });

  it('the group resolving still ends the stopped episode, though no route names a policy any more', async () => {
    const [episode] = await app.service.store.listIncidents({ states: ['triggered'], groupKey: groupKeyOf('Orphaned'), limit: 1 });
    expect(episode).toBeDefined();
    yaml = configYaml(slack, 'both');
    expect(await app.service.reload()).toMatchObject({ ok: true });
    expect((await app.post('/alert', groupBody('Orphaned', 'resolved'))).status).toBe(200);
    await until(
      async () => (await app.service.store.getIncident(episode?.id ?? ''))?.state === 'resolved',
      3_000,
      'resolved with its group',
    );
  });
});
