import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { groupKeyHash } from '../../../../src/integrations/chat/group-key-hash.js';
import { alertWith, notificationOf } from '../../../support/alerts.js';
import { startIncidentHookHarness } from '../../../support/incident-hook-harness.js';
import { opsgenieDelivery } from '../../../support/opsgenie-webhook-sender.js';

const SECRET = 'opsgenie-shared-secret-0123456789';
const YAML = `
actions:
  og:
    type: opsgenie
    api_key: 00000000-1111-2222-3333-444444444444
    webhook_secret: ${SECRET}
`;
const notification = notificationOf([alertWith({ alertname: 'KubePodCrashLooping', namespace: 'shop', pod: 'cart-1' })], 'n-og');
const alias = groupKeyHash(notification.groupKey);

describe('Opsgenie outgoing webhook', () => {
  let harness: Awaited<ReturnType<typeof startIncidentHookHarness>>;
  let episode: string;
  beforeEach(async () => {
    harness = await startIncidentHookHarness(YAML);
    episode = await harness.openEpisode(notification);
  });
  afterEach(() => harness.close());

  it('Acknowledge with the secret in the header acknowledges the episode whose alias it is, by the user, via opsgenie', async () => {
    const answer = await harness.post('/opsgenie/webhooks', opsgenieDelivery('Acknowledge', alias), { 'x-webhook-secret': SECRET });
    expect(answer.status).toBe(200);
    expect(harness.calls).toEqual([
      {
        ref: { id: episode },
        command: 'acknowledge',
        by: { id: '4d5b0bb4-1a4f-4e9a-96a2-2bdc2c3f0a0f', name: 'alice@example.com', via: 'opsgenie' },
      },
    ]);
    expect((await harness.store.getIncident(episode))?.state).toBe('acknowledged');
  });

  it('the secret in the query works too; UnAcknowledge and Close move the episode back and end it', async () => {
    for (const [action, state] of [
      ['Acknowledge', 'acknowledged'],
      ['UnAcknowledge', 'triggered'],
      ['Close', 'resolved'],
    ] as const) {
      const answer = await harness.post(`/opsgenie/webhooks?secret=${SECRET}`, opsgenieDelivery(action, alias));
      expect(answer.status).toBe(200);
      expect((await harness.store.getIncident(episode))?.state).toBe(state);
    }
  });

  it('without the secret, or with another, 401 and nothing changes', async () => {
    const body = opsgenieDelivery('Acknowledge', alias);
    for (const headers of [
      {} as Record<string, string>,
      { 'x-webhook-secret': 'opsgenie-shared-secret-wrong!!!!!' },
      { 'x-webhook-secret': '' },
    ]) {
      expect((await harness.post('/opsgenie/webhooks', body, headers)).status).toBe(401);
    }
    expect((await harness.post('/opsgenie/webhooks?secret=nope', body)).status).toBe(401);
    expect(harness.calls).toEqual([]);
    expect((await harness.store.getIncident(episode))?.state).toBe('triggered');
  });

  it('a repeated Acknowledge (Opsgenie retries, or echoes alertpipe’s own) is 200 and changes nothing', async () => {
    const body = opsgenieDelivery('Acknowledge', alias);
    await harness.post('/opsgenie/webhooks', body, { 'x-webhook-secret': SECRET });
    const acknowledged = await harness.store.getIncident(episode);
    const again = await harness.post('/opsgenie/webhooks', body, { 'x-webhook-secret': SECRET });
    expect(again.status).toBe(200);
    expect(again.body.results).toEqual([expect.objectContaining({ outcome: 'ignored' })]);
    expect(await harness.store.getIncident(episode)).toEqual(acknowledged);
  });

  it('an alert alertpipe did not create, an unknown group and other actions are 200 and ignored', async () => {
    const headers = { 'x-webhook-secret': SECRET };
    expect((await harness.post('/opsgenie/webhooks', opsgenieDelivery('Acknowledge', 'my-own-alias'), headers)).body.ignored).toMatch(
      /not an alert alertpipe created/,
    );
    const unknown = await harness.post('/opsgenie/webhooks', opsgenieDelivery('Acknowledge', groupKeyHash('{}:{x="y"}')), headers);
    expect(unknown.body.results).toEqual([{ outcome: 'ignored', reason: 'no episode of alertpipe matches' }]);
    expect((await harness.post('/opsgenie/webhooks', opsgenieDelivery('AddNote', alias), headers)).body.ignored).toMatch(/AddNote/);
    expect((await harness.store.getIncident(episode))?.state).toBe('triggered');
  });

  it('a body that is not Opsgenie’s payload is 400', async () => {
    expect((await harness.post('/opsgenie/webhooks', '{"alert": 1}', { 'x-webhook-secret': SECRET })).status).toBe(400);
    expect((await harness.post('/opsgenie/webhooks', '{not json', { 'x-webhook-secret': SECRET })).status).toBe(400);
  });
});

it('a webhook_secret shorter than 16 characters is refused by the config', async () => {
  await expect(startIncidentHookHarness(YAML.replace(SECRET, 'short'))).rejects.toThrow(/at least 16 characters/);
});
