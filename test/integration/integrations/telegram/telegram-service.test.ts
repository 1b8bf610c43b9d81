import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeTelegram, type FakeTelegram } from '../../../support/fake-telegram.js';
import { fixtureJson, fixtureText } from '../../../support/fixtures.js';
import { startTestService, type TestService } from '../../../support/test-service.js';

let telegram: FakeTelegram;
beforeAll(async () => {
  telegram = await startFakeTelegram();
});
afterAll(() => telegram.close());
afterEach(() => {
  telegram.throttle(0, 0);
  telegram.resetFlood();
});

/** The service with one telegram action, as an alertmanager.yml entry pasted in with `type` added. */
const withTelegram = (chatId: number = telegram.chatId, env: NodeJS.ProcessEnv = {}): Promise<TestService> =>
  startTestService(
    `actions:
  telegram:
    type: telegram
    bot_token: ${telegram.token}
    api_url: ${telegram.url}
    chat_id: ${chatId}
    send_resolved: true
routes:
  - actions: [telegram]
delivery:
  initial_backoff: 100ms
`,
    env,
  );

/** The fixture's group, resolved half an hour later. */
function resolvedBody(groupKey: string): string {
  const body = fixtureJson('alertmanagerGroup') as { status: string; groupKey: string; alerts: { status: string; endsAt: string }[] };
  body.status = 'resolved';
  body.groupKey = groupKey;
  for (const alert of body.alerts) Object.assign(alert, { status: 'resolved', endsAt: '2026-11-22T12:31:00Z' });
  return JSON.stringify(body);
}

function firingBody(groupKey: string): string {
  return JSON.stringify({ ...(fixtureJson('alertmanagerGroup') as object), groupKey });
}

describe('telegram through the service', () => {
  it('sends with TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID alone, and no log line carries the token', async () => {
    const before = telegram.calls.length;
    const app = await startTestService(null, {
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_CHAT_ID: String(telegram.chatId),
      TELEGRAM_API_URL: telegram.url,
    });
    try {
      const { body } = await app.post('/alert', fixtureText('alertmanagerGroup'));
      const record = await app.untilDone(String(body.id));
      expect(record.jobs.find((j) => j.action === 'telegram')?.state).toBe('succeeded');
      expect(telegram.calls.slice(before).map((c) => c.method)).toEqual(['sendMessage']);
      expect([...telegram.messages.values()].at(-1)!.visible).toMatch(/^🔥 FIRING: KubePodCrashLooping \(2\)/);
      expect(JSON.stringify(app.logs)).not.toContain(telegram.token.split(':')[1]);
    } finally {
      await app.stop();
    }
  });

  it('edits the message kept in the store when the group resolves, and replies under it', async () => {
    const app = await withTelegram();
    try {
      const firing = await app.post('/alert', firingBody('{}:{alertname="KubePodCrashLooping"}/store'));
      await app.untilDone(String(firing.body.id));
      const sent = [...telegram.messages.values()].at(-1)!;
      const resolved = await app.post('/alert', resolvedBody('{}:{alertname="KubePodCrashLooping"}/store'));
      const record = await app.untilDone(String(resolved.body.id));
      expect(record.jobs[0]!.attempts.at(-1)!.detail).toBe('edited the message of 2 alerts, replied');
      expect(telegram.messages.get(sent.messageId)!.visible).toMatch(/^✅ RESOLVED: KubePodCrashLooping \(2\)/);
      const reply = [...telegram.messages.values()].at(-1)!;
      expect(reply).toMatchObject({ replyTo: sent.messageId, visible: '✅ resolved after 26 min' });
    } finally {
      await app.stop();
    }
  });

  it('edits the same message after a restart: the reference is in the store on disk', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'alertpipe-telegram-'));
    try {
      const first = await withTelegram(telegram.chatId, { DATA_DIR: dataDir });
      try {
        const { body } = await first.post('/alert', firingBody('{}:{alertname="KubePodCrashLooping"}/restart'));
        await first.untilDone(String(body.id));
      } finally {
        await first.stop();
      }
      const sent = [...telegram.messages.values()].at(-1)!;
      const second = await withTelegram(telegram.chatId, { DATA_DIR: dataDir });
      try {
        const { body } = await second.post('/alert', resolvedBody('{}:{alertname="KubePodCrashLooping"}/restart'));
        await second.untilDone(String(body.id));
      } finally {
        await second.stop();
      }
      expect(telegram.messages.get(sent.messageId)!).toMatchObject({ edits: 1, visible: expect.stringMatching(/^✅ RESOLVED/) as unknown });
      expect([...telegram.messages.values()].at(-1)!.replyTo).toBe(sent.messageId);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("honours a 429's retry_after: the message goes out after it, not lost and not sooner", async () => {
    const app = await withTelegram();
    try {
      const from = telegram.standIn.requests.length;
      telegram.throttle(1);
      const { body } = await app.post('/alert', firingBody('{}:{alertname="KubePodCrashLooping"}/flood'));
      const record = await app.untilDone(String(body.id), 15_000);
      const job = record.jobs[0]!;
      expect(job.state).toBe('succeeded');
      expect(job.attempts.map((a) => a.outcome)).toEqual(['retry', 'success']);
      expect(job.attempts[0]!.error).toBe('Telegram sendMessage answered 429: Too Many Requests: retry after 1');
      const [limited, accepted] = telegram.standIn.requests.slice(from);
      expect(accepted!.at - limited!.at).toBeGreaterThanOrEqual(1000);
    } finally {
      await app.stop();
    }
  });

  it('refuses to start with a chat the bot cannot see, or a token Telegram does not know, naming the field', async () => {
    await expect(withTelegram(-1009999)).rejects.toThrow(
      /actions\.telegram\.chat_id: Telegram getChat answered 400: Bad Request: chat not found/,
    );
    await expect(
      startTestService(
        `actions:\n  telegram: { type: telegram, bot_token: "7012345678:AAOtherTokenOtherTokenOtherToken_999", api_url: "${telegram.url}", chat_id: ${telegram.chatId} }\n`,
      ),
    ).rejects.toThrow(/actions\.telegram\.bot_token: Telegram getMe answered 401: Unauthorized \(the bot token is not valid/);
  });

  it('does not retry a message Telegram refuses (400), once it has started', async () => {
    const app = await withTelegram();
    try {
      telegram.failNext('sendMessage', {
        status: 400,
        body: {
          ok: false,
          error_code: 400,
          description: 'Bad Request: can\'t parse entities: Unsupported start tag "div" at byte offset 0',
        },
      });
      const { body } = await app.post('/alert', firingBody('{}:{alertname="KubePodCrashLooping"}/refused'));
      const job = (await app.untilDone(String(body.id))).jobs[0]!;
      expect(job.state).toBe('failed');
      expect(job.attempts).toHaveLength(1);
      expect(job.attempts[0]!.error).toBe(
        'Telegram sendMessage answered 400: Bad Request: can\'t parse entities: Unsupported start tag "div" at byte offset 0',
      );
    } finally {
      await app.stop();
    }
  });
});
