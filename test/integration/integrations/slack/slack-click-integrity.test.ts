import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockActionsPayload, signedInteraction, startFakeSlackApi, type FakeSlackApi } from '../../../support/fake-slack-api.js';
import { startFakePagerDuty, type FakePagerDuty } from '../../../support/fake-pagerduty.js';
import { startTestService, type TestService } from '../../../support/test-service.js';
import { firingGroup } from '../../../support/webhook-group.js';

const ALPHA_SECRET = 'alpha-app-signing-secret';
const BETA_SECRET = 'beta-app-signing-secret';

/** Two Slack apps (two signing secrets), each with its message of the same group, and PagerDuty. */
describe('Slack clicks count once, and only for the app that signed them', () => {
  let slack: FakeSlackApi;
  let pagerduty: FakePagerDuty;
  let app: TestService;
  // A second person's click on the message as their Slack still showed it, before the first Acknowledge.
  let staleAcknowledge: object;
  const messageIn = (channel: string) => slack.topLevel(channel)[0]!;
  const post = (secret: string, payload: object, timestamp?: number) => {
    const signed = signedInteraction(secret, payload, timestamp);
    return fetch(`${app.url}/slack/interactions`, { method: 'POST', headers: signed.headers, body: signed.body });
  };
  const clicks = async (button: string, outcome: string): Promise<number> => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`alertpipe_slack_clicks_total{button="${button}",outcome="${outcome}"}`));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  };
  const untilClicks = async (button: string, outcome: string, count: number): Promise<void> => {
    for (let tries = 0; tries < 200 && (await clicks(button, outcome)) < count; tries++) await new Promise((r) => setTimeout(r, 25));
    expect(await clicks(button, outcome)).toBe(count);
  };
  const updatesOf = (channel: string) => slack.calls('chat.update').filter((call) => call.channel === channel).length;

  beforeAll(async () => {
    slack = await startFakeSlackApi([
      { id: 'C0ALPHA01', name: 'alpha', member: true },
      { id: 'C0BETA001', name: 'beta', member: true },
    ]);
    pagerduty = await startFakePagerDuty();
    const app_ = (name: string, channel: string, secret: string) =>
      `  ${name}: { type: slack, bot_token: ${slack.token}, channel: ${channel}, api_url: "${slack.url}", signing_secret: ${secret} }`;
    app = await startTestService(
      [
        'actions:',
        app_('alpha', 'C0ALPHA01', ALPHA_SECRET),
        app_('beta', 'C0BETA001', BETA_SECRET),
        `  pd: { type: pagerduty, routing_key: R0UT1NGKEY0000000000000000000001, url: "${pagerduty.url}" }`,
        'routes:',
        '  - { actions: [alpha, beta, pd] }',
        'delivery: { queue: memory }',
      ].join('\n'),
    );
    const answer = await app.post('/alert', firingGroup('HighErrorRate', [{ service: 'checkout' }], { service: 'checkout' }));
    await app.untilDone(answer.body.id as string);
    staleAcknowledge = blockActionsPayload(messageIn('C0ALPHA01'), 'acknowledge', {
      user: 'U0BOB0001',
      responseUrl: `${slack.standIn.url}/response/2`,
    });
  });
  afterAll(async () => {
    await app?.stop();
    await pagerduty?.close();
    await slack?.close();
  });

  it("refuses a click signed with one app's secret on another app's message", async () => {
    const before = updatesOf('C0BETA001');
    expect((await post(ALPHA_SECRET, blockActionsPayload(messageIn('C0BETA001'), 'acknowledge'))).status).toBe(200);
    await untilClicks('acknowledge', 'refused', 1);
    expect(updatesOf('C0BETA001')).toBe(before);
    expect(JSON.stringify(messageIn('C0BETA001').attachments)).not.toContain('Acknowledged by');
    expect(pagerduty.accepted.map((e) => e.event_action)).toEqual(['trigger']);
  });

  it('handles a replayed request once', async () => {
    const signed = signedInteraction(ALPHA_SECRET, blockActionsPayload(messageIn('C0ALPHA01'), 'acknowledge'));
    const send = () => fetch(`${app.url}/slack/interactions`, { method: 'POST', headers: signed.headers, body: signed.body });
    expect((await send()).status).toBe(200);
    await untilClicks('acknowledge', 'done', 1);
    const updates = updatesOf('C0ALPHA01');
    for (let i = 0; i < 5; i++) expect((await send()).status).toBe(200);
    await app.waitForLog((line) => String(line.message).includes('a replay'));
    expect(updatesOf('C0ALPHA01')).toBe(updates);
    expect(slack.thread(messageIn('C0ALPHA01').ts)).toHaveLength(1);
    expect(pagerduty.accepted.map((e) => e.event_action)).toEqual(['trigger', 'acknowledge']);
  });

  it('tells a second Acknowledge that it is done already, and changes nothing', async () => {
    const updates = updatesOf('C0ALPHA01');
    const responses = slack.standIn.requests.length;
    expect((await post(ALPHA_SECRET, staleAcknowledge)).status).toBe(200);
    await untilClicks('acknowledge', 'unchanged', 1);
    const told = slack.standIn.requests.slice(responses).find((r) => r.url === '/response/2');
    expect(JSON.parse(told!.body).text).toBe('Already acknowledged by <@U0ALICE01>.');
    expect(updatesOf('C0ALPHA01')).toBe(updates);
    expect(slack.thread(messageIn('C0ALPHA01').ts)).toHaveLength(1);
    expect(pagerduty.accepted.map((e) => e.event_action)).toEqual(['trigger', 'acknowledge']);
  });

  it('makes one change of a payload that holds 500 actions', async () => {
    const payload = blockActionsPayload(messageIn('C0BETA001'), 'acknowledge') as { actions: unknown[] };
    const many = { ...payload, actions: Array.from({ length: 500 }, () => payload.actions[0]) };
    const updates = updatesOf('C0BETA001');
    expect((await post(BETA_SECRET, many)).status).toBe(200);
    await untilClicks('acknowledge', 'done', 2);
    expect(updatesOf('C0BETA001')).toBe(updates + 1);
    expect(slack.thread(messageIn('C0BETA001').ts)).toHaveLength(1);
  });
});
