import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePagerDuty, type FakePagerDuty } from '../../support/fake-pagerduty.js';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack.js';
import { startFakeDiscord, type FakeDiscord } from '../../support/fake-discord.js';
import { begin as beginEpisode, groupBody, groupKeyOf, sceneYaml, sleep, stepsRun } from '../../support/escalation-scene.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { until } from '../../support/until.js';

// The rotation's start, and who holds each day from it: computed here on its own, not by the lookup.
const ROTATION_START = Date.parse('2026-01-01T00:00:00Z');
const PEOPLE = [
  { key: 'alice', slack: 'U0ALICE01' },
  { key: 'bob', slack: 'U0BOB0001' },
];
function onCallAt(at: number): (typeof PEOPLE)[number] {
  return PEOPLE[Math.floor((at - ROTATION_START) / 86_400_000) % 2] as (typeof PEOPLE)[number];
}
const someone = { id: 'U0CAROL01', name: 'carol', via: 'console' };

describe('the escalation loop, with 1-second steps', () => {
  let slack: FakeSlack;
  let pagerduty: FakePagerDuty;
  let discord: FakeDiscord;
  let app: TestService;
  beforeAll(async () => {
    slack = await startFakeSlack();
    discord = await startFakeDiscord();
    pagerduty = await startFakePagerDuty();
    const yaml = sceneYaml({
      actions: [
        `chat: { type: slack, webhook_url: "${slack.url}" }`,
        `pager: { type: pagerduty, routing_key: R0UT1NGKEY0000000000000000000001, url: "${pagerduty.url}" }`,
        `discord: { type: discord, webhook_url: "${discord.url}" }`,
      ],
      escalations: {
        page: {
          steps: [
            'actions: [chat]',
            '{ after: 1s, notify: { schedule: primary }, actions: [pager] }',
            '{ after: 1s, notify: { schedule: primary }, actions: [chat, discord] }',
          ],
        },
        twice: { repeat: 1, steps: ['actions: [chat]', '{ after: 1s, actions: [chat] }'] },
      },
      more: [
        'schedules:',
        '  primary:',
        '    time_zone: UTC',
        "    rotation: { participants: [alice, bob], shift: 1d, handoff: '00:00', start: '2026-01-01T00:00:00Z' }",
        'people:',
        '  alice: { name: Alice Smith, slack: U0ALICE01 }',
        '  bob: { name: Bob Jones, slack: U0BOB0001 }',
      ],
      routes: ['{ matchers: [\'alertname="Repeated"\'], escalation: twice }', '{ matchers: [\'severity="critical"\'], escalation: page }'],
    });
    app = await startTestService(yaml);
  });
  afterAll(async () => {
    await app?.stop();
    await pagerduty?.close();
    await discord?.close();
    await slack?.close();
  });

  const begin = (alertname: string) => beginEpisode(app, alertname);
  const slackPostsOf = (alertname: string) => slack.accepted.filter((post) => JSON.stringify(post).includes(alertname));

  it('walks the chain on time and in order, each step saying which it is and mentioning who is on call', async () => {
    const incident = await begin('Walk');
    await until(() => stepsRun(app, incident).length === 3, 8_000, 'three steps');
    expect(stepsRun(app, incident).map((s) => s.step)).toEqual([1, 2, 3]);
    for (const step of stepsRun(app, incident)) expect(step.lateMs).toBeLessThan(1_000);
    const record = await app.service.store.getIncident(incident);
    const runs = record?.runs ?? [];
    expect(runs.map((run) => run.actions)).toEqual([['chat'], ['pager'], ['chat', 'discord']]);
    // Each `after: 1s` counts from the step before, within a second of its time.
    for (const [index, run] of runs.entries()) {
      if (index === 0) continue;
      const gap = run.at - (runs[index - 1]?.at ?? 0);
      expect(gap).toBeGreaterThanOrEqual(1_000);
      expect(gap).toBeLessThan(2_000);
    }
    expect(record?.nextStepAt).toBeUndefined();
    const person = onCallAt(runs[1]?.at ?? 0);
    expect(runs[1]?.notified).toEqual([person.key]);

    await until(
      () => slackPostsOf('Walk').length === 2 && pagerduty.accepted.some((e) => e.payload?.class === 'Walk'),
      5_000,
      'deliveries',
    );
    const page = pagerduty.accepted.find((e) => e.payload?.class === 'Walk');
    expect(page?.payload?.custom_details?.escalation).toMatchObject({
      step: 'Escalation page, step 2 of 3',
      on_call: [`${person.key} (primary)`],
    });
    const [first, last] = slackPostsOf('Walk').map((post) => JSON.stringify(post.blocks));
    expect(first).toContain('Escalation page, step 1 of 3');
    expect(last).toContain('Escalation page, step 3 of 3');
    expect(last).toContain(`<@${onCallAt(runs[2]?.at ?? 0).slack}>`);
    expect(last).toMatch(/Paged before: step 1 at [^;]+: chat; step 2 at [^;]+: pager, paged (alice|bob)/);
    // Other chat platforms name the person (Discord would need their Discord id to mention them).
    await until(() => discord.accepted.length > 0, 3_000, 'the Discord message');
    const embed = JSON.stringify(discord.accepted[0]?.embeds);
    expect(embed).toContain('Escalation page, step 3 of 3');
    expect(embed).toContain(`On call: ${onCallAt(runs[2]?.at ?? 0).key} (primary`);
    expect(embed).toContain('Paged before: step 1 at');
    // The chain ran out: nothing more comes.
    await sleep(1_500);
    expect(stepsRun(app, incident)).toHaveLength(3);
    const history = await app.service.store.getNotification((await app.service.store.getIncident(incident))?.openedBy ?? '');
    expect(history?.events.map((e) => e.kind)).toContain('incident-opened');
  });

  it('an acknowledgement through IncidentControl stops the chain before the next step; unacknowledging walks on', async () => {
    const incident = await begin('Acked');
    await until(() => stepsRun(app, incident).length === 1, 3_000, 'step 1');
    const ack = await app.service.incidentControl.command({ groupKey: groupKeyOf('Acked') }, 'acknowledge', someone);
    expect(ack).toMatchObject({ done: true, incident: { state: 'acknowledged' } });
    await sleep(2_000);
    expect(stepsRun(app, incident)).toHaveLength(1);

    const again = await app.service.incidentControl.command({ id: incident }, 'unacknowledge', someone);
    expect(again).toMatchObject({ done: true, incident: { state: 'triggered', nextStep: 1 } });
    await until(() => stepsRun(app, incident).length === 2, 3_000, 'step 2 after unacknowledging');
    expect(await app.service.incidentControl.command({ id: incident }, 'resolve', someone)).toMatchObject({ done: true });
    await sleep(1_500);
    expect(stepsRun(app, incident)).toHaveLength(2);
    const record = await app.service.store.getIncident(incident);
    expect(record).toMatchObject({ state: 'resolved', resolved: { by: someone } });
    const events = (await app.service.store.getNotification(record?.notificationId ?? ''))?.events ?? [];
    expect(events.filter((e) => e.incident === incident).map((e) => e.kind)).toEqual(
      expect.arrayContaining(['acknowledged', 'unacknowledged', 'incident-resolved']),
    );
  });

  it('the group resolving ends the episode; the group firing again begins a new one that walks from step 1', async () => {
    const incident = await begin('Flapping');
    await until(() => stepsRun(app, incident).length === 1, 3_000, 'step 1');
    expect((await app.post('/alert', groupBody('Flapping', 'resolved'))).status).toBe(200);
    await until(async () => (await app.service.store.getIncident(incident))?.state === 'resolved', 3_000, 'resolved');
    expect((await app.service.store.getIncident(incident))?.resolved?.by).toBeUndefined();
    await sleep(1_500);
    expect(stepsRun(app, incident)).toHaveLength(1);

    const next = await begin('Flapping');
    expect(next).not.toBe(incident);
    await until(() => stepsRun(app, next).length === 2, 4_000, 'the new episode walks');
    expect(stepsRun(app, next).map((s) => s.step)).toEqual([1, 2]);
    await app.service.incidentControl.command({ id: next }, 'resolve', someone);
  });

  it('repeat runs the chain again while nobody acknowledges', async () => {
    const incident = await begin('Repeated');
    await until(() => stepsRun(app, incident).length === 4, 6_000, 'two rounds');
    expect(stepsRun(app, incident).map((s) => [s.round, s.step])).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
      [2, 2],
    ]);
    await until(() => slackPostsOf('Repeated').length === 4, 3_000, 'four messages');
    expect(JSON.stringify(slackPostsOf('Repeated')[3]?.blocks)).toContain('Escalation twice, step 2 of 2, round 2 of 2');
    await sleep(1_300);
    expect(stepsRun(app, incident)).toHaveLength(4);
  });

  it('exports the steps run and how late they ran', async () => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(text).toMatch(/alertpipe_escalation_steps_total\{policy="page"\} [1-9]/);
    expect(text).toMatch(/alertpipe_escalation_step_lateness_seconds_count [1-9]/);
    expect(text).toMatch(/alertpipe_incidents_total\{state="acknowledged"\} [1-9]/);
  });
});
