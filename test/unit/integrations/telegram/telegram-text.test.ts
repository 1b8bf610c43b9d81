import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../../src/integrations/chat/build-message.js';
import { parseTelegramHtml } from '../../../../src/integrations/telegram/telegram-html.js';
import { checkTelegramText, telegramText } from '../../../../src/integrations/telegram/telegram-text.js';
import { enrichedGroup } from '../../../support/chat-platforms.js';
import { parseEntitiesAsTelegram } from '../../../support/telegram-entities.js';

function hugeGroup() {
  const n = enrichedGroup();
  const alerts = Array.from({ length: 500 }, (_, i) => ({
    ...n.alerts[0]!,
    fingerprint: `fp${i}`,
    labels: { ...n.alerts[0]!.labels, pod: `p-${i} <&>`.repeat(40) },
    annotations: { summary: '&'.repeat(3000), description: '<b>'.repeat(2000) },
  }));
  return { ...n, alerts, commonLabels: { ...n.commonLabels, team: 'x'.repeat(5000) } };
}

describe('telegram text', () => {
  for (const [name, notification] of [
    ['an ordinary group', enrichedGroup()],
    ['a huge group of hostile text', hugeGroup()],
  ] as const) {
    it(`renders ${name} as HTML that its own check and the stand-in's parser both accept, within 4,096 characters`, () => {
      const text = telegramText(buildMessage(notification, { maxAlerts: 15 }), 'HTML');
      expect(checkTelegramText(text, 'HTML')).toEqual([]);
      const parsed = parseEntitiesAsTelegram(text);
      expect(parsed).not.toHaveProperty('error');
      expect((parsed as { text: string }).text.trim().length).toBeLessThanOrEqual(4096);
      expect((parsed as { text: string }).text).toBe(parseTelegramHtml(text).text);
    });
  }

  it('sends plain text without markup when parse_mode is empty', () => {
    const text = telegramText(buildMessage(enrichedGroup(), { maxAlerts: 10 }), '');
    expect(text).not.toContain('<b>');
    expect(text.startsWith('🔥 FIRING: KubePodCrashLooping (2)\n')).toBe(true);
  });

  it('refuses what Telegram refuses, as the stand-in does', () => {
    for (const html of ['<div>x</div>', '<b>x', '<b><i>x</b></i>', 'x</b>', 'a < b', '<span>x</span>', '<br>'])
      expect(parseTelegramHtml(html).problem, html).toBeDefined();
    for (const html of [
      '<b>x</b> &lt;&amp;&gt;&quot; &#128293;',
      '<a href="https://x.example/?a=1&amp;b=2">l</a>',
      '<pre><code class="language-sh">x</code></pre>',
    ])
      expect([parseTelegramHtml(html).problem, parseEntitiesAsTelegram(html)], html).toEqual([
        undefined,
        { text: parseTelegramHtml(html).text },
      ]);
    expect(checkTelegramText('<b> </b>', 'HTML')).toEqual(['the text is empty']);
    expect(checkTelegramText('x'.repeat(4097), 'HTML')).toEqual(['4097 characters (Telegram takes 4096)']);
  });
});
