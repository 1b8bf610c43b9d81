import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupKeyHash } from '../../../src/integrations/chat/group-key-hash.js';
import { startFakePagerDuty, type FakePagerDuty } from '../../support/fake-pagerduty.js';
import { startFakeTelegram, type FakeTelegram } from '../../support/fake-telegram.js';
import { begin as beginEpisode, groupKeyOf, sceneYaml, sleep, stepsRun } from '../../support/escalation-scene.js';
import { opsgenieDelivery } from '../../support/opsgenie-webhook-sender.js';
import { pagerDutyDelivery } from '../../support/pagerduty-webhook-sender.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { until } from '../../support/until.js';

const PD_SECRET = 'pd-webhook-subscription-secret-1';
const OG_SECRET = 'opsgenie-shared-secret-0123456789';
const TG_SECRET = 'telegram-webhook-secret_0123456789';

/** The service as it runs, with the real IncidentControl and escalation loop: an acknowledgement from a platform stops the chain. */
describe('acknowledgements coming back from PagerDuty, Opsgenie and Telegram', () => {
  let pagerduty: FakePagerDuty;
  let telegram: FakeTelegram;
  let app: TestService;
  beforeAll(async () => {
    pagerduty = await startFakePagerDuty();
    telegram = await startFakeTelegram();
    const yaml = sceneYaml({
      actions: [
        `pager: { type: pagerduty, routing_key: R0UT1NGKEY0000000000000000000001, url: "${pagerduty.url}", webhook_secret: ${PD_SECRET} }`,
        `tg: { type: telegram, bot_token: "${telegram.token}", api_url: "${telegram.url}", chat_id: ${telegram.chatId},`,
        `      webhook_secret: ${TG_SECRET}, webhook_url: "https://alertpipe.example.com/telegram/webhooks" }`,
        // Created with the api_url of nothing listening: the webhook needs no call out.
        `og: { type: opsgenie, api_key: 00000000-1111-2222-3333-444444444444, api_url: "http://127.0.0.1:9", webhook_secret: ${OG_SECRET} }`,
      ],
      escalations: { page: { steps: ['actions: [pager, tg]', '{ after: 1s, actions: [tg] }', '{ after: 1s, actions: [tg] }'] } },
      routes: ['{ matchers: [\'severity="critical"\'], escalation: page }'],
    });
    app = await startTestService(yaml);
  });
  afterAll(async () => {
    await app?.stop();
    await telegram?.close();
    await pagerduty?.close();
  });

  const begin = (alertname: string) => beginEpisode(app, alertname, { firstStep: true });
  const eventsOf = async (incident: string) => {
    const notificationId = (await app.service.store.getIncident(incident))?.notificationId ?? '';
    return (await app.service.store.getNotification(notificationId))?.events ?? [];
  };

  it('start-up registered the Telegram webhook with its secret', () => {
    expect(telegram.webhook()?.secretToken).toBe(TG_SECRET);
  });

  it('a signed PagerDuty incident.acknowledged stops the chain before its next step, and the history says who and from where', async () => {
    const incident = await begin('PagedDisk');
    await until(() => pagerduty.accepted.some((e) => e.payload?.summary?.includes('PagedDisk')), 5_000, 'the PagerDuty trigger');
    const trigger = pagerduty.accepted.find((e) => e.payload?.summary?.includes('PagedDisk'));
    const { body, headers } = pagerDutyDelivery('incident.acknowledged', trigger?.dedup_key ?? '', [PD_SECRET]);
    const answer = await app.post('/pagerduty/webhooks', body, { 'content-type': 'application/json', ...headers });
    expect(answer.status).toBe(200);
    expect((await app.service.store.getIncident(incident))?.acknowledged?.by).toEqual({
      id: 'PLH1HKV',
      name: 'Alice Oncall',
      via: 'pagerduty',
    });
    await sleep(2_200);
    expect(stepsRun(app, incident)).toHaveLength(1);
    expect((await eventsOf(incident)).find((e) => e.kind === 'acknowledged')?.by?.via).toBe('pagerduty');
  });

  it('a forged PagerDuty webhook is 401 and the chain walks on', async () => {
    const incident = await begin('ForgedDisk');
    const { body } = pagerDutyDelivery('incident.acknowledged', 'alertpipe-0000000000000000', [PD_SECRET]);
    const headers = { 'content-type': 'application/json', 'x-pagerduty-signature': `v1=${'0'.repeat(64)}` };
    expect((await app.post('/pagerduty/webhooks', body, headers)).status).toBe(401);
    await until(() => stepsRun(app, incident).length === 2, 4_000, 'the second step');
    expect((await app.service.store.getIncident(incident))?.state).toBe('triggered');
  });

  it('a press of the Telegram button stops the chain; the press is answered', async () => {
    const incident = await begin('PressedDisk');
    let messageId = 0;
    await until(
      () => {
        const message = [...telegram.messages.values()].find((m) => m.text.includes('PressedDisk') && m.replyMarkup !== undefined);
        messageId = message?.messageId ?? 0;
        return messageId !== 0;
      },
      5_000,
      'the Telegram message with its button',
    );
    const { status, queryId } = await telegram.press(
      messageId,
      { id: 77, first_name: 'Bob', username: 'bob' },
      `${app.url}/telegram/webhooks`,
    );
    expect(status).toBe(200);
    expect(telegram.answers.get(queryId)).toBe('✋ Acknowledged');
    expect((await app.service.store.getIncident(incident))?.acknowledged?.by).toEqual({ id: '77', name: '@bob', via: 'telegram' });
    await sleep(2_200);
    expect(stepsRun(app, incident)).toHaveLength(1);
  });

  it('Opsgenie’s Close with the shared secret resolves the episode', async () => {
    const incident = await begin('ClosedDisk');
    const body = opsgenieDelivery('Close', groupKeyHash(groupKeyOf('ClosedDisk')));
    const answer = await app.post('/opsgenie/webhooks', body, { 'content-type': 'application/json', 'x-webhook-secret': OG_SECRET });
    expect(answer.status).toBe(200);
    expect((await app.service.store.getIncident(incident))?.resolved?.by?.via).toBe('opsgenie');
    await sleep(2_200);
    expect(stepsRun(app, incident)).toHaveLength(1);
  });
});
