import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Action, ActionContext, ActionResult } from '../../../../src/integrations/action.js';
import { actionConfigSchema, createAction } from '../../../../src/integrations/registry.js';
import { createChartRenderer } from '../../../../src/charts/render-chart-png.js';
import { createLogger } from '../../../../src/observability/logger.js';
import { MemoryStore } from '../../../../src/store/memory/memory-store.js';
import type { EnrichedNotification } from '../../../../src/model/model.js';
import { alertWith, enriched, notificationOf } from '../../../support/alerts.js';
import { APP_TOKEN, startFakeSlackApi, type FakeSlackApi, type SlackChannel } from '../../../support/fake-slack-api.js';

let slack: FakeSlackApi | undefined;
afterEach(async () => {
  await slack?.close();
  slack = undefined;
});

// More channels than one conversations.list page (200) holds, so that a team's channel is found on a later page.
const FILLER: SlackChannel[] = Array.from({ length: 450 }, (_, i) => ({
  id: `C0FILL${String(i).padStart(4, '0')}`,
  name: `general-${i}`,
  member: false,
}));
const CHANNELS: SlackChannel[] = [
  { id: 'C0TEAMDB1', name: 'team-db', member: true },
  ...FILLER,
  // Private, the bot invited: listed to it (groups:read), and last, on the third page.
  { id: 'G0TEAMWEB', name: 'team-web', member: true, private: true },
  // Private without the bot: Slack does not list it, so to the bot it does not exist.
  { id: 'G0TEAMOPS', name: 'team-ops', member: false, private: true },
  // Public, the bot not invited.
  { id: 'C0TEAMPAY', name: 'team-pay', member: false },
  { id: 'C0FALLBACK', name: 'alerts-unrouted', member: true },
];

function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: createLogger({ level: 'debug', format: 'json', stream }), lines };
}

async function appAction(api: FakeSlackApi, overrides: Record<string, unknown> = {}) {
  const { logger, lines } = capturedLogger();
  const config = actionConfigSchema.parse({
    type: 'slack',
    bot_token: api.token,
    channel: '#team-{{ commonLabels.team }}',
    api_url: api.url,
    ...overrides,
  });
  const action: Action = createAction('oncall', config, { logger, charts: createChartRenderer() });
  const refs = new MemoryStore({ maxPending: 10, historyLimit: 10 });
  const ctx: ActionContext = { logger, signal: new AbortController().signal, attempt: 1, messageRefs: refs };
  const send = async (notification: EnrichedNotification): Promise<ActionResult> => (await action.handle(notification, ctx)) ?? {};
  return { action, send, lines };
}

let sequence = 0;
function teamGroup(team: string, pods = ['cart-1']): EnrichedNotification {
  sequence += 1;
  const alerts = pods.map((pod) => alertWith({ alertname: 'KubePodCrashLooping', namespace: 'shop', pod, team }));
  const base = enriched(notificationOf(alerts, `n-${sequence}`));
  return {
    ...base,
    groupKey: `{}:{alertname="KubePodCrashLooping",team="${team}"}`,
    commonLabels: { ...base.commonLabels, team },
    receivedAt: new Date(Date.UTC(2026, 10, 22, 12, sequence)),
  };
}

describe('a templated Slack app channel', () => {
  it("routes each team's alerts to its channel, found through conversations.list's pages, private channels with the bot included", async () => {
    slack = await startFakeSlackApi(CHANNELS);
    const { send } = await appAction(slack);
    await send(teamGroup('db'));
    await send(teamGroup('web'));
    expect(slack.topLevel('C0TEAMDB1')).toHaveLength(1);
    expect(slack.topLevel('G0TEAMWEB')).toHaveLength(1);
    expect(slack.topLevel()).toHaveLength(2);
    // team-web is on the third page: the cursor Slack handed out was followed, private channels asked for.
    const lists = slack.calls('conversations.list');
    expect(lists.map((c) => c.cursor ?? '')).toEqual(['', '', expect.any(String), expect.any(String)]);
    expect(lists.every((c) => c.types === 'public_channel,private_channel')).toBe(true);
    // Cached: the next notification of each team's group asks Slack nothing more, and edits its message.
    await send(teamGroup('db', ['cart-1', 'cart-2']));
    await send(teamGroup('web', ['cart-1', 'cart-2']));
    expect(slack.calls('conversations.list')).toHaveLength(lists.length);
    expect(slack.topLevel().map((m) => [m.channel, m.edits])).toEqual([
      ['C0TEAMDB1', 1],
      ['G0TEAMWEB', 1],
    ]);
  });

  for (const [what, team, reason] of [
    ['a channel that does not exist', 'nope', 'does not exist, or is private without the bot in it'],
    ['a private channel without the bot', 'ops', 'does not exist, or is private without the bot in it'],
    ['a public channel without the bot', 'pay', 'does not have the bot in it'],
  ] as const) {
    it(`sends the message for ${what} to fallback_channel, saying why in the message, the log and the history`, async () => {
      slack = await startFakeSlackApi(CHANNELS);
      const { send, lines } = await appAction(slack, { fallback_channel: '#alerts-unrouted' });
      const result = await send(teamGroup(team));
      const [message, ...more] = slack.topLevel();
      expect(more).toEqual([]);
      expect(message!.channel).toBe('C0FALLBACK');
      expect(JSON.stringify(message!.attachments)).toContain(`Posted in #alerts-unrouted: #team-${team} ${reason}.`);
      expect(result.detail).toContain(`; Posted in #alerts-unrouted: #team-${team} ${reason}.`);
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 'error',
          message: 'Slack channel unusable; the message goes to the fallback channel',
          channel: `#team-${team}`,
          fallback: '#alerts-unrouted',
        }),
      );
    });
  }

  it("fails the delivery with Slack's reason and what to do when there is no fallback_channel", async () => {
    slack = await startFakeSlackApi(CHANNELS);
    const { send } = await appAction(slack);
    await expect(send(teamGroup('pay'))).rejects.toThrow(/not a member of #team-pay: type \/invite @<your app> in the channel/);
    await expect(send(teamGroup('nope'))).rejects.toThrow(/no channel named #team-nope the bot can see/);
    expect(slack.topLevel()).toEqual([]);
  });

  for (const code of ['not_in_channel', 'channel_not_found', 'is_archived'] as const) {
    it(`falls back when chat.postMessage answers ${code} for a channel looked up before (the bot removed since), and looks it up again next time`, async () => {
      slack = await startFakeSlackApi(CHANNELS);
      const { send, lines } = await appAction(slack, { fallback_channel: '#alerts-unrouted' });
      await send(teamGroup('db'));
      expect(slack.topLevel('C0TEAMDB1')).toHaveLength(1);
      const listsBefore = slack.calls('conversations.list').length;
      // The channel's ID is cached; Slack refuses the post itself.
      slack.failNext('chat.postMessage', code);
      const result = await send({ ...teamGroup('db'), groupKey: '{}:{alertname="Other",team="db"}' });
      expect(slack.topLevel('C0TEAMDB1')).toHaveLength(1);
      const [moved, ...more] = slack.topLevel('C0FALLBACK');
      expect(more).toEqual([]);
      expect(JSON.stringify(moved!.attachments)).toContain(`Posted in #alerts-unrouted: #team-db`);
      expect(JSON.stringify(moved!.attachments)).toContain(`(chat.postMessage answered ${code})`);
      expect(result.detail).toMatch(new RegExp(`^posted the message of 1 alert.*; Posted in #alerts-unrouted: #team-db .*${code}`));
      expect(lines.find((l) => l.message === 'Slack channel unusable; the message goes to the fallback channel')).toMatchObject({
        level: 'error',
        channel: '#team-db',
      });
      // The cached ID was forgotten: the next group of the team asks Slack again.
      await send(teamGroup('db', ['cart-3']));
      expect(slack.calls('conversations.list').length).toBeGreaterThan(listsBefore);
    });
  }

  it('edits the fallback message in the fallback channel as the group changes', async () => {
    slack = await startFakeSlackApi(CHANNELS);
    const { send } = await appAction(slack, { fallback_channel: '#alerts-unrouted' });
    await send(teamGroup('db'));
    slack.failNext('chat.postMessage', 'not_in_channel');
    const key = '{}:{alertname="Moved",team="db"}';
    await send({ ...teamGroup('db'), groupKey: key });
    await send({ ...teamGroup('db', ['cart-1', 'cart-2']), groupKey: key });
    const [moved] = slack.topLevel('C0FALLBACK');
    expect(moved!.edits).toBe(1);
    expect(slack.topLevel()).toHaveLength(2);
  });

  it('does not fall back on other failures: msg_too_long fails the delivery as it is', async () => {
    slack = await startFakeSlackApi(CHANNELS);
    const { send } = await appAction(slack, { fallback_channel: '#alerts-unrouted' });
    slack.failNext('chat.postMessage', 'msg_too_long');
    await expect(send(teamGroup('db'))).rejects.toThrow(/msg_too_long/);
    expect(slack.topLevel()).toEqual([]);
  });
});

describe('Slack app buttons', () => {
  const buttonsOf = async (overrides: Record<string, unknown>): Promise<string> => {
    slack = await startFakeSlackApi(CHANNELS);
    const { send } = await appAction(slack, { channel: '#team-db', ...overrides });
    await send(teamGroup('db'));
    return JSON.stringify(slack.topLevel()[0]!.attachments);
  };

  it('are not drawn with neither a signing secret nor an app token: a click could arrive nowhere', async () => {
    const blocks = await buttonsOf({});
    expect(blocks).not.toContain('"action_id":"silence_1h"');
    expect(blocks).not.toContain('"action_id":"acknowledge"');
    expect(blocks).not.toContain('"type":"actions"');
  });

  for (const [how, overrides] of [
    ['a signing secret (clicks over HTTP)', { signing_secret: '0123456789abcdef' }],
    ['an app token (clicks over Socket Mode)', { app_token: APP_TOKEN }],
  ] as const) {
    it(`are drawn with ${how}`, async () => {
      const blocks = await buttonsOf(overrides);
      expect(blocks).toContain('"action_id":"silence_1h"');
      expect(blocks).toContain('"action_id":"acknowledge"');
    });
  }
});
