import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../../src/integrations/chat/build-message.js';
import { plainTextMessage } from '../../../../src/integrations/chat/plain-text-message.js';
import { discordEmbeds } from '../../../../src/integrations/discord/discord-embeds.js';
import { slackBlocks } from '../../../../src/integrations/slack/slack-blocks.js';
import { telegramText } from '../../../../src/integrations/telegram/telegram-text.js';
import type { EscalationStep } from '../../../../src/model/escalation-step.js';
import { enrichedGroup } from '../../../support/chat-platforms.js';

const step: EscalationStep = {
  incident: 'e1',
  policy: 'page-critical',
  step: 2,
  steps: 3,
  round: 1,
  rounds: 1,
  actions: ['pager'],
  pagedBefore: [{ step: 1, at: Date.parse('2026-11-22T12:00:00Z'), actions: ['slack-alerts'], notified: [] }],
  onCall: [{ name: 'alice', schedule: 'primary', slack: 'U012ABCDEF', until: Date.parse('2026-11-23T09:00:00Z') }],
  notes: [],
};

const messageOf = (escalation: EscalationStep) => buildMessage({ ...enrichedGroup(), escalation }, { maxAlerts: 10 });

describe("an escalation step's message", () => {
  it('Slack mentions the person on call by user id, says the step and who was paged before', () => {
    const text = JSON.stringify(slackBlocks(messageOf(step)).blocks);
    expect(text).toContain('Escalation page-critical, step 2 of 3');
    expect(text).toContain('On call: <@U012ABCDEF> (primary, until 2026-11-23 09:00 UTC)');
    expect(text).toContain('Paged before: step 1 at 2026-11-22 12:00:00 UTC: slack-alerts');
  });

  it('Slack names, escaped, a person without a Slack id or with one that is not an id', () => {
    const noId = { ...step, onCall: [{ name: '<!channel> bob', schedule: 'primary' }] };
    expect(JSON.stringify(slackBlocks(messageOf(noId)).blocks)).toContain('On call: &lt;!channel&gt; bob (primary)');
    const forged = { ...step, onCall: [{ name: 'eve', slack: 'U1> <!here' }] };
    expect(JSON.stringify(slackBlocks(messageOf(forged)).blocks)).not.toContain('<!here');
  });

  it('other platforms name the person; a lookup that failed is a note, and the step still says which it is', () => {
    const failed = { ...step, onCall: [], notes: ['who is on call for primary could not be found out: calendar unreachable'] };
    for (const rendered of [
      JSON.stringify(discordEmbeds(messageOf(step))),
      telegramText(messageOf(step), 'HTML'),
      plainTextMessage(messageOf(step), 4_000),
    ])
      expect(rendered).toContain('On call: alice (primary, until 2026-11-23 09:00 UTC)');
    const text = plainTextMessage(messageOf(failed), 4_000);
    expect(text).toContain('Escalation page-critical, step 2 of 3');
    expect(text).toContain('⚠ who is on call for primary could not be found out: calendar unreachable');
    expect(text).not.toContain('On call:');
  });

  it('a notification that is no step has no such lines', () => {
    expect(plainTextMessage(buildMessage(enrichedGroup(), { maxAlerts: 10 }), 4_000)).not.toContain('Escalation');
  });
});
