import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackAppMessage } from '../../../../src/integrations/slack/slack-app-blocks.js';
import { alertWith, enriched, notificationOf } from '../../../support/alerts.js';
import { startHttpStandIn, type HttpStandIn } from '../../../support/http-stand-in.js';
import { clickHarness } from '../../../support/slack-click-harness.js';

// A group whose labels are Slack commands, silenced from its message: the thread line quotes the
// matchers, and the message links the silence by the id Alertmanager answered.
describe('a Silence click on a group with hostile labels', () => {
  let alertmanager: HttpStandIn;
  beforeAll(async () => {
    alertmanager = await startHttpStandIn(() => ({ status: 200, body: { silenceID: 'x)|<!channel>' } }));
  });
  afterAll(() => alertmanager.close());

  it('says what it silenced as text, and links the silence by its encoded URL', async () => {
    const notification = enriched(
      notificationOf([alertWith({ alertname: '<!everyone>', pod: '<!channel> a' }), alertWith({ alertname: '<!everyone>', pod: 'b>' })]),
    );
    const { click, posted, updated, outcomes } = clickHarness(notification, { alertmanagerUrl: alertmanager.url });
    await click('silence_1h');

    expect(outcomes).toEqual(['done']);
    expect(posted.map((p) => p.text)).toEqual([
      '🔕 <@U0ALICE01> silenced alertname="&lt;!everyone&gt;", pod=~"&lt;!channel&gt; a|b&gt;" for 1 h',
    ]);
    const [attachment] = updated[0]!.attachments as SlackAppMessage['attachments'];
    const line = attachment.blocks
      .flatMap((b) => (b.type === 'context' ? b.elements : []))
      .map((e) => e.text)
      .find((text) => text.includes('Silenced by'));
    expect(line).toMatch(
      /^🔕 Silenced by <@U0ALICE01> until .* · <http:\/\/127\.0\.0\.1:\d+\/#\/silences\/x%29%7C%3C!channel%3E\|silence>$/,
    );
  });
});
