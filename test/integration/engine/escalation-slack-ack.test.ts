import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlackApi, type FakeSlackApi } from '../../support/fake-slack-api.js';
import { clickSigned, oncallSlackAction } from '../../support/slack-click-harness.js';
import { startFakePagerDuty, type FakePagerDuty } from '../../support/fake-pagerduty.js';
import { groupBody, groupKeyOf, sceneYaml, sleep, stepsRun } from '../../support/escalation-scene.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { until } from '../../support/until.js';

const SIGNING_SECRET = 'escalation-ack-signing-secret';

describe("Slack's Acknowledge stops an episode's chain", () => {
  let slack: FakeSlackApi;
  let pagerduty: FakePagerDuty;
  let app: TestService;
  beforeAll(async () => {
    slack = await startFakeSlackApi();
    pagerduty = await startFakePagerDuty();
    const yaml = sceneYaml({
      actions: [
        oncallSlackAction(slack, SIGNING_SECRET),
        `pager: { type: pagerduty, routing_key: R0UT1NGKEY0000000000000000000001, url: "${pagerduty.url}" }`,
      ],
      escalations: {
        page: { steps: ['{ after: 2s, notify: { schedule: primary }, actions: [pager, oncall] }', '{ after: 1s, actions: [pager] }'] },
      },
      more: [
        'schedules:',
        "  primary: { rotation: { participants: [alice], shift: 1w, handoff: 'monday 09:00' } }",
        'people:',
        '  alice: { slack: U0ALICE01 }',
      ],
      // Its actions run now, the chain after.
      routes: ['{ matchers: [\'severity="critical"\'], actions: [oncall], escalation: page }'],
    });
    app = await startTestService(yaml);
  });
  afterAll(async () => {
    await app?.stop();
    await pagerduty?.close();
    await slack?.close();
  });

  async function click(alertname: string): Promise<void> {
    const message = slack.topLevel().find((m) => JSON.stringify(m).includes(alertname));
    if (message === undefined) throw new Error(`no message of ${alertname}`);
    expect(await clickSigned(app.url, SIGNING_SECRET, message, 'acknowledge', 'U0CAROL01')).toBe(200);
  }

  it('a signed click before the first step is due: no step runs, the thread says the chain stopped', async () => {
    expect((await app.post('/alert', groupBody('Clicked', 'firing'))).status).toBe(200);
    await until(() => slack.topLevel().some((m) => JSON.stringify(m).includes('Clicked')), 3_000, "the route's own message");
    const [episode] = await app.service.store.listIncidents({ states: ['triggered'], groupKey: groupKeyOf('Clicked'), limit: 1 });
    expect(episode?.nextStep).toBe(0);
    await click('Clicked');
    await until(
      async () => (await app.service.store.getIncident(episode?.id ?? ''))?.state === 'acknowledged',
      2_000,
      'the episode acknowledged',
    );
    expect((await app.service.store.getIncident(episode?.id ?? ''))?.acknowledged?.by).toMatchObject({ id: 'U0CAROL01', via: 'Slack' });
    const top = slack.topLevel().find((m) => JSON.stringify(m).includes('Clicked'));
    await until(() => slack.thread(top?.ts ?? '').length > 0, 3_000, 'the thread reply');
    expect(slack.thread(top?.ts ?? '')[0]?.text).toContain('Escalation page stopped');
    // Past both steps' times: nothing paged.
    await sleep(3_500);
    expect(stepsRun(app, episode?.id)).toEqual([]);
    expect(pagerduty.accepted).toEqual([]);
  });

  it('without a click the chain pages on time (the same config, another group)', async () => {
    expect((await app.post('/alert', groupBody('Unclicked', 'firing'))).status).toBe(200);
    await until(() => pagerduty.accepted.some((e) => e.payload?.class === 'Unclicked'), 5_000, 'step 1 paged');
    const [episode] = await app.service.store.listIncidents({ states: ['triggered'], groupKey: groupKeyOf('Unclicked'), limit: 1 });
    // In the episode's thread, where a mention notifies (an edited message's would not).
    const top = slack.topLevel().find((m) => JSON.stringify(m).includes('Unclicked'));
    await until(() => slack.thread(top?.ts ?? '').length > 0, 3_000, 'the step in the thread');
    expect(slack.thread(top?.ts ?? '')[0]?.text).toMatch(/Escalation page, step 1 of 2[\s\S]*On call: <@U0ALICE01> \(primary/);
    expect(slack.topLevel().filter((m) => JSON.stringify(m).includes('Unclicked'))).toHaveLength(1);
    await click('Unclicked');
    await until(async () => (await app.service.store.getIncident(episode?.id ?? ''))?.state === 'acknowledged', 2_000, 'acknowledged');
    await sleep(1_500);
    expect(stepsRun(app, episode?.id).map((s) => s.step)).toEqual([1]);
  });
});
