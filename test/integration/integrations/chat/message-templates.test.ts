import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../../../support/fake-discord.js';
import { startFakeGoogleChat, type FakeGoogleChat } from '../../../support/fake-google-chat.js';
import { startFakeSlack, type FakeSlack } from '../../../support/fake-slack.js';
import { startFakeTeams, type FakeTeams } from '../../../support/fake-teams.js';
import { startFakeTelegram, type FakeTelegram } from '../../../support/fake-telegram.js';
import { startFakeWebex, WEBEX_ROOM, WEBEX_TOKEN, type FakeWebex } from '../../../support/fake-webex.js';
import { startFakeZulip, ZULIP_BOT, ZULIP_KEY, ZULIP_STREAM, type FakeZulip } from '../../../support/fake-zulip.js';
import { fixtureText } from '../../../support/fixtures.js';
import { startTestService, type TestService } from '../../../support/test-service.js';

let slack: FakeSlack;
let teams: FakeTeams;
let discord: FakeDiscord;
let chat: FakeGoogleChat;
let webex: FakeWebex;
let zulip: FakeZulip;
let telegram: FakeTelegram;
beforeAll(async () => {
  [slack, teams, discord, chat, webex, zulip, telegram] = await Promise.all([
    startFakeSlack(),
    startFakeTeams(),
    startFakeDiscord(),
    startFakeGoogleChat(),
    startFakeWebex(),
    startFakeZulip(),
    startFakeTelegram(),
  ]);
});
afterAll(() => Promise.all([slack.close(), teams.close(), discord.close(), chat.close(), webex.close(), zulip.close(), telegram.close()]));

/** Every action of the seven platforms with the same templates. */
function configWith(templates: Record<string, string>): string {
  const t = JSON.stringify(templates);
  return `
actions:
  s: { type: slack, webhook_url: "${slack.url}", templates: ${t} }
  t: { type: teams, webhook_url: "${teams.url}", templates: ${t} }
  d: { type: discord, webhook_url: "${discord.url}", templates: ${t} }
  g: { type: google_chat, webhook_url: "${chat.url}", templates: ${t} }
  w: { type: webex, api_url: "${webex.url}", room_id: "${WEBEX_ROOM}", bot_token: "${WEBEX_TOKEN}", templates: ${t} }
  z: { type: zulip, url: "${zulip.url}", bot_email: "${ZULIP_BOT}", api_key: "${ZULIP_KEY}", stream: "${ZULIP_STREAM}", templates: ${t} }
  tg: { type: telegram, bot_token: "${telegram.token}", api_url: "${telegram.url}", chat_id: ${telegram.chatId}, templates: ${t} }
routes:
  - actions: [s, t, d, g, w, z, tg]
`;
}

/** Everything a person sees on each platform, as one text per platform. */
function shown(): Record<string, string> {
  return {
    slack: JSON.stringify(slack.accepted.at(-1)?.blocks),
    teams: JSON.stringify(teams.accepted.at(-1)?.card),
    discord: JSON.stringify(discord.accepted.at(-1)?.embeds),
    google_chat: JSON.stringify(chat.accepted.at(-1)?.message),
    webex: JSON.stringify(webex.posted.at(-1)?.markdown),
    zulip: JSON.stringify(zulip.posted.at(-1)?.content),
    telegram: [...telegram.messages.values()].at(-1)?.visible ?? '',
  };
}

async function deliverFixture(app: TestService): Promise<void> {
  const { body } = await app.post('/alert', fixtureText('alertmanagerGroup'));
  const record = await app.untilDone(String(body.id));
  expect(record.jobs.map((job) => job.state)).toEqual(Array(7).fill('succeeded'));
}

describe('message templates on every platform', () => {
  it('a title and a text template change what Slack, Teams, Discord, Google Chat, Webex, Zulip and Telegram show', async () => {
    const app = await startTestService(
      configWith({
        title: 'Checkout is down: {{ alerts.firing | size }} pods',
        text: 'Page {{ commonLabels.namespace | toUpper }} on-call.',
      }),
    );
    try {
      await deliverFixture(app);
      for (const [platform, text] of Object.entries(shown())) {
        expect(text, platform).toContain('Checkout is down: 2 pods');
        expect(text, platform).toContain('Page SHOP on-call.');
        expect(text, platform).not.toContain('FIRING: KubePodCrashLooping');
      }
    } finally {
      await app.stop();
    }
  });

  it('a template that fails still delivers the default message, with a note saying which and why, and counts it', async () => {
    // The example notifications start-up renders have a runbook_url in common; this group has not.
    const app = await startTestService(configWith({ title: '{{ commonAnnotations.runbook_url }}' }));
    try {
      await deliverFixture(app);
      for (const [platform, text] of Object.entries(shown())) {
        expect(text, platform).toContain('FIRING: KubePodCrashLooping (2)');
        expect(text, platform).toMatch(
          // Google Chat's card HTML has the quotes as &quot;.
          /template (\\*"|&quot;)title(\\*"|&quot;) of action (s|t|d|g|w|z|tg) failed \(line 1, column 4: undefined variable: commonAnnotations.runbook\\*_url\)/,
        );
      }
      const metrics = await (await fetch(`${app.url}/metrics`)).text();
      expect(metrics).toMatch(/alertpipe_template_errors_total\{action="s",template="title"\} 1/);
      expect(app.logs.some((l) => l.message === 'template failed; the default text is sent' && l.template === 'title')).toBe(true);
    } finally {
      await app.stop();
    }
  });

  it('refuses at start-up a template that fails on the example notifications, as check-config does', async () => {
    await expect(startTestService(configWith({ title: '{{ commonLabels.team }}' }))).rejects.toThrow(
      /undefined variable: commonLabels.team/,
    );
  });
});
