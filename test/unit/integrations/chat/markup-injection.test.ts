import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../../src/integrations/chat/build-message.js';
import type { Message } from '../../../../src/integrations/chat/message-model.js';
import { slackBlocks, type SlackBlock } from '../../../../src/integrations/slack/slack-blocks.js';
import { slackAppMessage } from '../../../../src/integrations/slack/slack-app-blocks.js';
import { nextEpisode } from '../../../../src/integrations/slack/slack-episode.js';
import { discordEmbeds } from '../../../../src/integrations/discord/discord-embeds.js';
import { teamsCard } from '../../../../src/integrations/teams/teams-card.js';
import { googleChatCard } from '../../../../src/integrations/google-chat/google-chat-card.js';
import { webexMessage } from '../../../../src/integrations/webex/webex-message.js';
import { zulipMessage } from '../../../../src/integrations/zulip/zulip-message.js';
import type { EnrichedNotification } from '../../../../src/model/model.js';
import { enrichedGroup } from '../../../support/chat-platforms.js';

// What an attacker who can set labels, annotations or the Alertmanager's externalURL sends.
const MASKED = '[click here](http://evil.example)';
const TEAMS_LINK = '[Reset password](http://evil.example)';
const BREAKOUTS = {
  // Its host holds `>`: no URL at all, so no link.
  runbook: 'http://runbook.example>!<!channel>|<http://evil.example|Runbook_fix>',
  runbookInPath: 'http://runbook.example/fix>!<!channel>|<http://evil.example|Runbook_fix>',
  generator: 'http://prometheus.example/graph?g0.expr=up>!<!channel>|<http://evil.example|Source_fix>',
  dashboard: 'http://dash.example/d)[Login](http://evil.example',
  external: 'http://am.example><!everyone><http://b.example',
  externalInPath: 'http://am.example/x><!everyone><http://b.example',
};
// The only links a message may carry: the URLs above, parsed and with their markup percent-encoded.
const LEGIT = new Set([
  'http://runbook.example/fix%3E!%3C!channel%3E%7C%3Chttp://evil.example%7CRunbook_fix%3E',
  'http://prometheus.example/graph?g0.expr=up%3E!%3C!channel%3E%7C%3Chttp://evil.example%7CSource_fix%3E',
  'http://dash.example/d%29%5BLogin%5D%28http://evil.example',
  'http://graph.example/g?q=a%29b',
  'http://am.example/x%3E%3C!everyone%3E%3Chttp://b.example',
  // The Slack app's link to a silence, from an id Alertmanager answered.
  'http://am.example/#/silences/x%29%7C%3C!channel%3E',
]);
const SILENCE_PREFIX = 'http://am.example/x%3E%3C!everyone%3E%3Chttp://b.example/#/silences/new?filter=';
const isLegit = (url: string): boolean => LEGIT.has(url) || (url.startsWith(SILENCE_PREFIX) && !/[\s<>|()[\]"'`\\]/.test(url));

function hostileGroup(externalURL: string): EnrichedNotification {
  const n = enrichedGroup();
  const name = `Crash ${MASKED}`;
  const common = { alertname: name, namespace: 'shop', severity: 'critical', '<!everyone>': '<!channel>', team: MASKED };
  return {
    ...n,
    receiver: '<!here> @everyone',
    externalURL,
    commonLabels: common,
    commonAnnotations: { summary: `<!channel> @everyone ${MASKED}` },
    alerts: n.alerts.map((a, i) => ({
      ...a,
      labels: { ...common, pod: i === 0 ? '<!channel> @everyone' : ')[Login](http://evil.example', [`<!here${i}>`]: TEAMS_LINK },
      annotations: {
        summary: `@everyone ${MASKED} ${i}`,
        description: `${TEAMS_LINK} <!subteam^S1> <a href="http://evil.example">x</a> "quoted" & more`,
        runbook_url: i === 0 ? BREAKOUTS.runbook : BREAKOUTS.runbookInPath,
        dashboard_url: BREAKOUTS.dashboard,
      },
      generatorURL: i === 0 ? BREAKOUTS.generator : 'javascript:alert(1)',
      enrichment: {
        hostile: {
          fields: [{ label: `<!channel> ${TEAMS_LINK}`, value: MASKED }],
          links: [
            { text: 'Graph](http://evil.example) [x', url: 'http://graph.example/g?q=a)b' },
            { text: 'bad', url: 'javascript:alert(1)' },
          ],
        },
      },
      notes: [`${MASKED} <!channel> <b>`],
    })),
  };
}

/** Both external URLs, every alert shown and one alert with the rest folded ("…and 1 more", the Alertmanager link). */
const messages: Message[] = [BREAKOUTS.external, BREAKOUTS.externalInPath].flatMap((url) =>
  [10, 1].map((maxAlerts) => buildMessage(hostileGroup(url), { maxAlerts })),
);

/** Every string in a body under the given keys, however deep. */
function strings(value: unknown, keys: ReadonlySet<string>, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) strings(item, keys, found);
  else if (value !== null && typeof value === 'object')
    for (const [key, inner] of Object.entries(value)) {
      if (typeof inner === 'string' && keys.has(key)) found.push(inner);
      else strings(inner, keys, found);
    }
  return found;
}

/** Slack's `<…>` sequences as Slack reads them in mrkdwn: a link `<url|text>`, a mention `<@U…>`, a command `<!…>`. */
function expectSafeMrkdwn(text: string): void {
  for (const [, inner] of text.matchAll(/<([^<>]*)>/g)) {
    const sequence = inner ?? '';
    if (sequence.startsWith('@')) expect(sequence, text).toMatch(/^@U0[A-Z0-9]+$/);
    else expect(isLegit(sequence.split('|')[0] ?? ''), `<${sequence}> in ${text}`).toBe(true);
    expect(sequence.split('|')).toHaveLength(sequence.startsWith('@') ? 1 : 2);
  }
}

/** The texts Slack reads as mrkdwn: sections and context elements (the header and buttons are plain_text). */
const mrkdwnOf = (blocks: readonly SlackBlock[]): string[] =>
  blocks
    .flatMap((b) => (b.type === 'section' ? [b.text] : b.type === 'context' ? b.elements : []))
    .flatMap((t) => (t.type === 'mrkdwn' ? [t.text] : []));

/** Markdown links `[text](url)`, none in reference form (`][`, `]:`); with `backslashEscapes`, a backslash escapes punctuation as in Discord. */
function markdownLinks(markdown: string, backslashEscapes: boolean): string[] {
  const text = backslashEscapes ? markdown.replace(/\\[^0-9A-Za-z\s]/g, '\u0000') : markdown;
  const urls = [...text.matchAll(/\[(?:[^[\]]|\[[^[\]]*\])*\]\(([^()\s]*)\)/g)].map((m) => m[1] ?? '');
  const rest = text.replace(/\[(?:[^[\]]|\[[^[\]]*\])*\]\(([^()\s]*)\)/g, '');
  expect(rest, markdown).not.toMatch(/\](\s*\(|\[|:)/);
  return urls;
}

describe('alert values cannot become markup on any platform', () => {
  it('Slack: no <!…> command, and every <url|text> link goes to one of the alerts’ own URLs', () => {
    for (const message of messages) {
      const body = slackBlocks(message);
      for (const text of [body.text, ...mrkdwnOf(body.blocks)]) expectSafeMrkdwn(text);
      const all = [body.text, ...mrkdwnOf(body.blocks)].join('\n');
      expect(all).not.toContain('<!');
      expect(all).toContain('*&lt;!everyone&gt;* &lt;!channel&gt;');
      expect(all).toContain('receiver &lt;!here&gt; @everyone');
    }
    expect(mrkdwnOf(slackBlocks(messages[3]!).blocks).join('\n')).toContain(
      '(see <http://am.example/x%3E%3C!everyone%3E%3Chttp://b.example|Alertmanager>)',
    );
  });

  it('Slack app: the message, its attachment fallback, its silence link and the thread replies', () => {
    for (const message of messages) {
      const body = slackAppMessage(message, {
        ref: 'r1',
        buttons: true,
        silence: { by: 'U0BOB', until: 0, url: 'http://am.example/#/silences/x)|<!channel>' },
        ack: { by: 'U0ALICE', at: 0 },
      });
      const texts = [body.text, body.attachments[0].fallback, ...mrkdwnOf(body.attachments[0].blocks)];
      for (const text of texts) expectSafeMrkdwn(text);
      expect(texts.join('\n')).toContain('<http://am.example/#/silences/x%29%7C%3C!channel%3E|silence>');
      expect(texts.join('\n')).not.toContain('<!');
    }
    const first = hostileGroup(BREAKOUTS.externalInPath);
    const joined = { ...first.alerts[0]!, fingerprint: 'joined', labels: { ...first.alerts[0]!.labels, pod: '<!channel>' } };
    const later = { ...first, id: 'n-2', receivedAt: new Date(first.receivedAt.getTime() + 60_000), alerts: [...first.alerts, joined] };
    const start = nextEpisode(undefined, first, buildMessage(first, { maxAlerts: 10 }));
    if (start.kind === 'stale') throw new Error('stale');
    const step = nextEpisode(start.state, later, buildMessage(later, { maxAlerts: 10 }));
    if (step.kind === 'stale') throw new Error('stale');
    const replies = step.state.pendingReplies.join('\n');
    expect(replies).toContain('a 3rd alert joined: pod=&lt;!channel&gt;');
    expect(replies).not.toContain('<');
  });

  it('Discord: no masked link but the alerts’ own, nothing that mentions, and allowed_mentions parses nothing', () => {
    for (const message of messages) {
      const body = discordEmbeds(message);
      expect(body.allowed_mentions).toEqual({ parse: [] });
      const texts = [body.content, ...strings(body.embeds, new Set(['title', 'description', 'name', 'value', 'text']))];
      for (const text of texts) {
        for (const url of markdownLinks(text, true)) expect(isLegit(url), `${url} in ${text}`).toBe(true);
        expect(text.replace(/\\[^0-9A-Za-z\s]/g, ''), text).not.toContain('<');
      }
      for (const embed of body.embeds) if (embed.url !== undefined) expect(isLegit(embed.url)).toBe(true);
      expect(body.content).toContain('\\[click here\\](http://evil.example)');
    }
  });

  it('Webex: no link but the alerts’ own, no <@…> mention and no HTML', () => {
    for (const message of messages) {
      const { markdown } = webexMessage(message, 'room');
      for (const url of markdownLinks(markdown, true)) expect(isLegit(url), `${url} in ${markdown}`).toBe(true);
      expect(markdown.replace(/\\[^0-9A-Za-z\s]/g, ''), markdown).not.toContain('<');
      expect(markdown).toContain('\\[click here\\](http://evil.example)');
    }
  });

  it('Zulip: no link but the alerts’ own, and no @**…** mention', () => {
    for (const message of messages) {
      const { content } = zulipMessage(message, 'alerts', 'topic');
      for (const url of markdownLinks(content, true)) expect(isLegit(url), `${url} in ${content}`).toBe(true);
      expect(content.replace(/\\[^0-9A-Za-z\s]/g, '\u0000'), content).not.toMatch(/@_?\*\*|#\*\*/);
      expect(content).toContain('\\[click here\\](http://evil.example)');
    }
  });

  it('Teams: no markdown link but the alerts’ own', () => {
    for (const message of messages) {
      const card = teamsCard(message).attachments[0].content;
      for (const text of strings(card, new Set(['text', 'title', 'value', 'fallbackText'])))
        for (const url of markdownLinks(text, false)) expect(isLegit(url), `${url} in ${text}`).toBe(true);
      expect(JSON.stringify(card)).toContain('Reset password');
    }
  });

  it('Google Chat: no tag or attribute but those the adapter writes, and buttons open only the alerts’ own URLs', () => {
    for (const message of messages) {
      const body = googleChatCard(message);
      for (const html of strings(body.cardsV2, new Set(['text', 'header']))) {
        const rest = html.replace(/<a href="([^"<>]*)">/g, (_, href: string) => {
          expect(isLegit(href.replace(/&amp;/g, '&')), href).toBe(true);
          return '';
        });
        expect(rest.replace(/<\/?(b|i|br|a)>|<font color="#b06000">|<\/font>/g, ''), html).not.toMatch(/[<>"]/);
      }
      for (const url of strings(body.cardsV2, new Set(['url']))) expect(isLegit(url), url).toBe(true);
      expect(JSON.stringify(body)).toContain('&lt;a href=&quot;http://evil.example&quot;&gt;x&lt;/a&gt;');
    }
  });
});
