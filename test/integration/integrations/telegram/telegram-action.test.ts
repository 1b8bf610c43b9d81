import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { actionConfigSchema } from '../../../../src/integrations/registry.js';
import { messageRefId, type MessageRef, type MessageRefStore } from '../../../../src/store/ports/message-refs.js';
import type { EnrichedNotification } from '../../../../src/model/model.js';
import { attemptContext, chatAction, enrichedGroup, failureOf } from '../../../support/chat-platforms.js';
import { startFakeTelegram, type FakeTelegram } from '../../../support/fake-telegram.js';

let telegram: FakeTelegram;
beforeAll(async () => {
  telegram = await startFakeTelegram();
});
afterAll(() => telegram.close());
afterEach(() => {
  telegram.failWith(undefined);
  telegram.throttle(0, 0);
  telegram.resetFlood();
});

/** A `telegram_configs` entry as it stands in an alertmanager.yml, aimed at the stand-in. */
const alertmanagerEntry = (): Record<string, unknown> =>
  parseYaml(`
bot_token: ${telegram.token}
api_url: ${telegram.url}
chat_id: ${telegram.chatId}
message_thread_id: ${telegram.threadId}
disable_notifications: true
parse_mode: HTML
send_resolved: true
`) as Record<string, unknown>;

const telegramAction = (fields: Record<string, unknown> = {}) => chatAction('telegram', { ...alertmanagerEntry(), ...fields });

/** One store of message references shared by several actions: a restart, or another replica. */
function sharedRefs(): MessageRefStore {
  const refs = new Map<string, MessageRef>();
  return { getMessageRef: async (id) => refs.get(id), putMessageRef: async (ref) => void refs.set(ref.id, ref) };
}

function resolvedGroup(firing: EnrichedNotification, id = 'resolved-1'): EnrichedNotification {
  return {
    ...firing,
    id,
    receivedAt: new Date(firing.receivedAt.getTime() + 60_000),
    status: 'resolved',
    alerts: firing.alerts.map((a) => ({ ...a, status: 'resolved' as const, endsAt: new Date('2026-11-22T12:31:00Z') })),
  };
}

describe('telegram action', () => {
  it('takes a telegram_configs entry as Alertmanager has it, and sends the enriched group to its topic, silently', async () => {
    await telegramAction().handle(enrichedGroup(), attemptContext());
    const call = telegram.calls.at(-1)!;
    expect(call.method).toBe('sendMessage');
    expect(call.params).toMatchObject({
      chat_id: telegram.chatId,
      message_thread_id: telegram.threadId,
      disable_notification: true,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    });
    const shown = [...telegram.messages.values()].at(-1)!;
    expect(shown.visible).toContain('🔥 FIRING: KubePodCrashLooping (2)');
    expect(shown.visible).toContain('CPU: 0.42 cores · 84% of limit 0.5 cores · request 0.25 cores · ▁▂▃▅▇');
    expect(shown.visible).toContain('⚠ pod-resources: no cAdvisor metrics');
    expect(shown.text).toContain('<b>🔥 FIRING: KubePodCrashLooping (2)</b>');
  });

  it('escapes every value, so that an alert can neither break the HTML nor add any', async () => {
    const n = enrichedGroup();
    const hostile = '<b>bold</b> </i> a & b &amp; <script>alert(1)</script> "q"';
    const alerts = n.alerts.map((a) => ({
      ...a,
      labels: { ...a.labels, pod: hostile },
      annotations: { ...a.annotations, description: hostile },
    }));
    await telegramAction().handle({ ...n, alerts }, attemptContext());
    const shown = [...telegram.messages.values()].at(-1)!;
    expect(shown.visible).toContain(`pod ${hostile}`);
    expect(shown.visible.split(hostile).length - 1).toBeGreaterThanOrEqual(4);
  });

  it('shows the templates: title and alert lines from Liquid, escaped like any value', async () => {
    const action = telegramAction({ templates: { title: '{{ commonLabels.alertname }} <in> {{ commonLabels.namespace }}' } });
    await action.handle(enrichedGroup(), attemptContext());
    expect([...telegram.messages.values()].at(-1)!.visible.split('\n')[0]).toBe('KubePodCrashLooping <in> shop');
  });

  it('takes a message template whose markup is HTML and whose values are escaped', async () => {
    const n = enrichedGroup();
    const action = telegramAction({
      message:
        '<b>{{ status | toUpper }}</b> {{ commonLabels.alertname }}\n{% for a in alerts %}• {{ a.annotations.summary }}\n{% endfor %}',
    });
    const alerts = n.alerts.map((a) => ({ ...a, annotations: { summary: 'load < 1 & rising' } }));
    await action.handle({ ...n, alerts }, attemptContext());
    const shown = [...telegram.messages.values()].at(-1)!;
    expect(shown.text.startsWith('<b>FIRING</b> KubePodCrashLooping')).toBe(true);
    expect(shown.visible).toContain('• load < 1 & rising');
  });

  it('refuses at start a message template that Telegram could not parse, naming it', () => {
    expect(() => telegramAction({ message: '<div>{{ status }}</div>' })).toThrow(
      /actions\.telegram\.message: .*unsupported start tag <div>/,
    );
    expect(() => telegramAction({ message: '<b>{{ status }}' })).toThrow(/no end tag for <b>/);
    expect(() => telegramAction({ message: '{{ commonLables.x }}' })).toThrow(/actions\.telegram\.message/);
  });

  it('keeps 300 alerts with long descriptions within 4,096 characters, folding the rest', async () => {
    const n = enrichedGroup();
    const alerts = Array.from({ length: 300 }, (_, i) => ({
      ...n.alerts[0]!,
      fingerprint: `fp${i}`,
      labels: { ...n.alerts[0]!.labels, pod: `p-${i}` },
      annotations: { description: `<${'x'.repeat(3000)}>` },
    }));
    await telegramAction({ max_alerts: 15 }).handle({ ...n, alerts }, attemptContext());
    const shown = [...telegram.messages.values()].at(-1)!;
    expect(shown.visible.length).toBeLessThanOrEqual(4096);
    expect(shown.visible).toMatch(/…and \d+ more alerts/);
  });

  it('on resolve edits the same message to show it resolved, and replies under it', async () => {
    const refs = sharedRefs();
    const firing = { ...enrichedGroup(), groupKey: 'resolve-test' };
    await telegramAction().handle(firing, { ...attemptContext(), messageRefs: refs });
    const sent = [...telegram.messages.values()].at(-1)!;
    // Another instance of the action (after a restart, or on another replica) finds the message in the store.
    await telegramAction().handle(resolvedGroup(firing), { ...attemptContext(), messageRefs: refs });
    const [edit, reply] = telegram.calls.slice(-2);
    expect(edit).toMatchObject({ method: 'editMessageText', params: { message_id: sent.messageId, chat_id: telegram.chatId } });
    expect(telegram.messages.get(sent.messageId)!.visible).toMatch(/^✅ RESOLVED: KubePodCrashLooping \(2\)/);
    expect(reply!.method).toBe('sendMessage');
    expect(reply!.params).toMatchObject({ reply_parameters: { message_id: sent.messageId }, message_thread_id: telegram.threadId });
    expect([...telegram.messages.values()].at(-1)!.visible).toBe('✅ resolved after 26 min');
  });

  it('edits the message as alerts join while it fires, replies with what changed, and ignores an older notification', async () => {
    const refs = sharedRefs();
    const n = enrichedGroup();
    const first = { ...n, groupKey: 'join-test', alerts: n.alerts.slice(0, 1) };
    await telegramAction().handle(first, { ...attemptContext(), messageRefs: refs });
    const sent = [...telegram.messages.values()].at(-1)!;
    expect(sent.visible).toMatch(/^🔥 FIRING: KubePodCrashLooping\n/);
    const later = { ...n, id: 'later', groupKey: 'join-test', receivedAt: new Date(n.receivedAt.getTime() + 30_000) };
    await telegramAction().handle(later, { ...attemptContext(), messageRefs: refs });
    expect(telegram.messages.get(sent.messageId)!.visible).toMatch(/^🔥 FIRING: KubePodCrashLooping \(2\)/);
    expect([...telegram.messages.values()].at(-1)!).toMatchObject({ replyTo: sent.messageId, visible: '🔥 1 alert joined' });
    const calls = telegram.calls.length;
    const older = { ...first, id: 'older', receivedAt: new Date(n.receivedAt.getTime() - 30_000) };
    expect(await telegramAction().handle(older, { ...attemptContext(), messageRefs: refs })).toMatchObject({
      detail: 'older than what the message shows; not applied',
    });
    expect(telegram.calls.length).toBe(calls);
  });

  it('counts "message is not modified" as done, and posts a pending reply once on a retry', async () => {
    const refs = sharedRefs();
    const firing = { ...enrichedGroup(), groupKey: 'retry-test' };
    const action = telegramAction();
    await action.handle(firing, { ...attemptContext(), messageRefs: refs });
    const before = telegram.calls.length;
    // The reply fails (a 502 after the edit went through); the retry changes nothing in the message and replies once.
    const resolved = resolvedGroup(firing);
    telegram.failNext('sendMessage', { status: 502, body: { ok: false, error_code: 502, description: 'Bad Gateway' } });
    await expect(action.handle(resolved, { ...attemptContext(), messageRefs: refs })).rejects.toMatchObject({
      retryable: true,
      status: 502,
    });
    const result = await action.handle(resolved, { ...attemptContext(), messageRefs: refs });
    expect(result).toMatchObject({ detail: 'left unchanged the message of 2 alerts, replied' });
    expect(telegram.calls.slice(before).map((c) => c.method)).toEqual(['editMessageText', 'sendMessage']);
    // A third try finds nothing left to do but the edit, which changes nothing.
    await action.handle(resolved, { ...attemptContext(), messageRefs: refs });
    expect(telegram.calls.slice(before).map((c) => c.method)).toEqual(['editMessageText', 'sendMessage']);
  });

  it('sends anew when the message can no longer be edited', async () => {
    const refs = sharedRefs();
    const firing = { ...enrichedGroup(), groupKey: 'deleted-test' };
    await telegramAction().handle(firing, { ...attemptContext(), messageRefs: refs });
    const first = [...telegram.messages.values()].at(-1)!;
    telegram.deleteMessage(first.messageId);
    const result = await telegramAction().handle(resolvedGroup(firing), { ...attemptContext(), messageRefs: refs });
    expect(result).toMatchObject({ detail: expect.stringContaining('sent anew (Bad Request: message to edit not found)') as unknown });
    const fresh = [...telegram.messages.values()].at(-1)!;
    expect(fresh.messageId).not.toBe(first.messageId);
    expect(fresh.visible).toMatch(/^✅ RESOLVED/);
    const id = messageRefId('telegram', `${telegram.chatId}/${telegram.threadId}`, 'deleted-test');
    expect((await refs.getMessageRef(id))?.ts).toBe(String(fresh.messageId));
  });

  it("waits as long as Telegram's retry_after says when it answers 429", async () => {
    telegram.throttle(7);
    const error = await failureOf(telegramAction(), enrichedGroup());
    expect(error).toMatchObject({ retryable: true, status: 429, retryAfterMs: 7000 });
    expect(error.message).toBe('Telegram sendMessage answered 429: Too Many Requests: retry after 7');
  });

  it('does not retry what a retry cannot fix, and says what to do', async () => {
    expect(await failureOf(telegramAction({ chat_id: -1009999 }), enrichedGroup())).toMatchObject({
      retryable: false,
      status: 400,
      message: 'Telegram sendMessage answered 400: Bad Request: chat not found',
    });
    expect(await failureOf(telegramAction({ chat_id: telegram.blockedChatId }), enrichedGroup())).toMatchObject({
      retryable: false,
      status: 403,
    });
    const wrongToken = await failureOf(telegramAction({ bot_token: '7012345678:AAOtherTokenOtherTokenOtherToken_999' }), enrichedGroup());
    expect(wrongToken).toMatchObject({ retryable: false, status: 401 });
    expect(wrongToken.message).toContain('the bot token is not valid');
  });

  it('retries a 5xx, and keeps the token out of every error, whole or in part', async () => {
    const secretPart = telegram.token.split(':')[1]!;
    telegram.failWith({ status: 502, body: `<html>Bad Gateway for /bot${telegram.token}/sendMessage and ${secretPart}</html>` });
    const error = await failureOf(telegramAction(), enrichedGroup());
    expect(error).toMatchObject({ retryable: true, status: 502 });
    expect(error.message).not.toContain(secretPart);
    telegram.failWith({ status: 400, body: { ok: false, error_code: 400, description: `Bad Request: ${telegram.token}` } });
    expect((await failureOf(telegramAction(), enrichedGroup())).message).not.toContain(secretPart);
  });

  it('gives a clear error for a config Telegram cannot take', () => {
    const problems = (fields: Record<string, unknown>) => {
      const result = actionConfigSchema.safeParse({ type: 'telegram', ...alertmanagerEntry(), ...fields });
      return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(problems({ chat_id: 'alerts' })).toEqual([expect.stringMatching(/^chat_id: expected the chat's numeric ID/)]);
    expect(problems({ bot_token: '7012345678:AA/../x' })).toEqual([
      'bot_token: expected a bot token as @BotFather gives it (123456789:AA…)',
    ]);
    expect(problems({ parse_mode: 'MarkdownV2' })[0]).toMatch(/^parse_mode: alertpipe writes Telegram HTML/);
    expect(problems({ message: 'x', templates: { title: 'y' } })).toEqual([
      'message: give message (the whole text) or templates / template_file, not both',
    ]);
    expect(problems({ chat_id: '-1001234567890' })).toEqual([]);
  });

  it('previews the body it would send, checked against the limits', () => {
    const preview = telegramAction().preview!(enrichedGroup());
    expect(preview.problems).toEqual([]);
    expect(preview.body).toMatchObject({ chat_id: telegram.chatId, parse_mode: 'HTML', message_thread_id: telegram.threadId });
  });
});
