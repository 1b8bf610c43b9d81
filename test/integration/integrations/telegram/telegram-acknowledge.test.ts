import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EnrichedNotification } from '../../../../src/model/model.js';
import { attemptContext, enrichedGroup } from '../../../support/chat-platforms.js';
import { startFakeTelegram, type FakeTelegram } from '../../../support/fake-telegram.js';
import { startIncidentHookHarness } from '../../../support/incident-hook-harness.js';

const SECRET = 'telegram-webhook-secret_0123456789';
const alice = { id: 123456789, first_name: 'Alice', last_name: 'Oncall', username: 'alice_oncall' };

let telegram: FakeTelegram;
beforeAll(async () => {
  telegram = await startFakeTelegram();
});
afterAll(() => telegram.close());

const yaml = (fields: string) => `
actions:
  tg:
    type: telegram
    bot_token: ${telegram.token}
    api_url: ${telegram.url}
    chat_id: ${telegram.chatId}
${fields}`;

describe('Telegram Acknowledge button', () => {
  let harness: Awaited<ReturnType<typeof startIncidentHookHarness>>;
  let notification: EnrichedNotification;
  let episode: string;
  let messageId: number;
  const deliver = () => `${harness.url}/telegram/webhooks`;

  beforeEach(async () => {
    harness = await startIncidentHookHarness(
      yaml(`    webhook_secret: ${SECRET}\n    webhook_url: https://alertpipe.example.com/telegram/webhooks\n`),
    );
    telegram.resetFlood();
    notification = enrichedGroup();
    episode = await harness.openEpisode(notification);
    const action = harness.actions.get('tg')!;
    // Start-up registers the webhook; then the group's message goes out with its button.
    expect(await action.capabilities?.startCheck?.(new AbortController().signal)).toEqual({});
    const result = await action.handle(notification, { ...attemptContext(), messageRefs: harness.store });
    messageId = (result as { data: { message_id: number } }).data.message_id;
  });
  afterEach(() => harness.close());

  it('start-up registers the webhook with its secret_token, for button presses only', () => {
    expect(telegram.webhook()).toEqual({
      url: 'https://alertpipe.example.com/telegram/webhooks',
      secretToken: SECRET,
      allowedUpdates: ['callback_query'],
    });
  });

  it('a firing message carries one Acknowledge button, its callback_data signed and within 64 bytes', () => {
    const keyboard = telegram.messages.get(messageId)?.replyMarkup?.inline_keyboard;
    expect(keyboard).toHaveLength(1);
    const [button] = keyboard?.[0] ?? [];
    expect(button?.text).toBe('✋ Acknowledge');
    expect(button?.callback_data).toMatch(/^ack:[0-9a-f]{32}:[0-9a-f]{24}$/);
    expect(Buffer.byteLength(button?.callback_data ?? '')).toBeLessThanOrEqual(64);
  });

  it('a press acknowledges the group’s episode by the Telegram user, and is answered', async () => {
    const { status, queryId } = await telegram.press(messageId, alice, deliver());
    expect(status).toBe(200);
    expect(harness.calls).toEqual([
      { ref: { groupKey: notification.groupKey }, command: 'acknowledge', by: { id: '123456789', name: '@alice_oncall', via: 'telegram' } },
    ]);
    expect((await harness.store.getIncident(episode))?.state).toBe('acknowledged');
    expect(telegram.answers.get(queryId)).toBe('✋ Acknowledged');
  });

  it('a second press changes nothing and says it is already acknowledged', async () => {
    await telegram.press(messageId, alice, deliver());
    const acknowledged = await harness.store.getIncident(episode);
    const { status, queryId } = await telegram.press(messageId, { id: 42, first_name: 'Bob' }, deliver());
    expect(status).toBe(200);
    expect(telegram.answers.get(queryId)).toBe('Already acknowledged');
    expect(await harness.store.getIncident(episode)).toEqual(acknowledged);
  });

  it('a forged callback_data (a modified client) is refused: answered, nothing changes', async () => {
    const button = telegram.messages.get(messageId)?.replyMarkup?.inline_keyboard[0]?.[0]?.callback_data ?? '';
    const forgedMac = button.replace(/[0-9a-f]$/, (c) => (c === '0' ? '1' : '0'));
    for (const data of [forgedMac, 'ack:00000000000000000000000000000000:000000000000000000000000', 'silence:everything']) {
      const { status, queryId } = await telegram.press(messageId, alice, deliver(), { data });
      expect(status).toBe(200);
      expect(telegram.answers.get(queryId)).toBe('Not an alertpipe button');
    }
    expect(harness.calls).toEqual([]);
    expect((await harness.store.getIncident(episode))?.state).toBe('triggered');
  });

  it('an update without the secret token, or with another, is 401 and changes nothing', async () => {
    expect((await telegram.press(messageId, alice, deliver(), { secretToken: 'another-secret-token-000' })).status).toBe(401);
    const update = JSON.stringify({ update_id: 1, callback_query: { id: '1', from: alice, data: 'x' } });
    expect((await harness.post('/telegram/webhooks', update)).status).toBe(401);
    expect(harness.calls).toEqual([]);
  });

  it('other updates are 200 and ignored; a body that is not an Update is 400', async () => {
    const headers = { 'x-telegram-bot-api-secret-token': SECRET };
    const message = JSON.stringify({ update_id: 2, message: { message_id: 1, text: 'hello' } });
    expect((await harness.post('/telegram/webhooks', message, headers)).body.ignored).toBe('not a button press');
    expect((await harness.post('/telegram/webhooks', '{"callback_query": 1}', headers)).status).toBe(400);
  });

  it('the resolved group’s message loses its button', async () => {
    const resolved: EnrichedNotification = {
      ...notification,
      id: 'resolved-1',
      receivedAt: new Date(notification.receivedAt.getTime() + 60_000),
      status: 'resolved',
      alerts: notification.alerts.map((a) => ({ ...a, status: 'resolved' as const, endsAt: new Date('2026-11-22T12:31:00Z') })),
    };
    await harness.actions.get('tg')!.handle(resolved, { ...attemptContext(), messageRefs: harness.store });
    expect(telegram.messages.get(messageId)?.replyMarkup).toBeUndefined();
  });
});

describe('without webhook_secret', () => {
  it('no button is drawn and no webhook path is served', async () => {
    const harness = await startIncidentHookHarness(yaml(''));
    try {
      const result = await harness.actions.get('tg')!.handle(enrichedGroup(), { ...attemptContext(), messageRefs: harness.store });
      const id = (result as { data: { message_id: number } }).data.message_id;
      expect(telegram.messages.get(id)?.replyMarkup).toBeUndefined();
      expect(harness.actions.get('tg')!.capabilities?.startCheck).toBeUndefined();
      expect((await harness.post('/telegram/webhooks', '{}', { 'x-telegram-bot-api-secret-token': SECRET })).status).toBe(404);
    } finally {
      await harness.close();
    }
  });

  it('webhook_url without webhook_secret, or a secret Telegram would refuse, is a config problem', async () => {
    await expect(startIncidentHookHarness(yaml('    webhook_url: https://alertpipe.example.com/telegram/webhooks\n'))).rejects.toThrow(
      /webhook_url needs webhook_secret/,
    );
    await expect(startIncidentHookHarness(yaml('    webhook_secret: "has spaces and is long"\n'))).rejects.toThrow(/secret_token/);
  });
});
