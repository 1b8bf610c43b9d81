import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../../src/integrations/chat/build-message.js';
import { checkSlackMessage, slackBlocks } from '../../../../src/integrations/slack/slack-blocks.js';
import { checkTeamsMessage, teamsCard } from '../../../../src/integrations/teams/teams-card.js';
import { checkDiscordMessage, discordEmbeds } from '../../../../src/integrations/discord/discord-embeds.js';
import { checkGoogleChatMessage, googleChatCard, threadKeyOf } from '../../../../src/integrations/google-chat/google-chat-card.js';
import type { EnrichedNotification } from '../../../../src/model/model.js';
import { enrichedGroup } from '../../../support/chat-platforms.js';
import { checkEmbeds } from '../../../support/fake-discord.js';
import { checkBlocks } from '../../../support/fake-slack.js';
import { checkTeamsMessage as teamsStandInCheck } from '../../../support/fake-teams.js';

/** 300 alerts with long descriptions, many fields and notes: more than any platform takes. */
function hugeGroup(): EnrichedNotification {
  const n = enrichedGroup();
  const fields = Array.from({ length: 40 }, (_, i) => ({ label: `Field ${i}`, value: 'v'.repeat(1500) }));
  const alerts = Array.from({ length: 300 }, (_, i) => ({
    ...n.alerts[0]!,
    fingerprint: String(i),
    labels: { ...n.alerts[0]!.labels, pod: `p-${i}-${'x'.repeat(300)}` },
    annotations: { summary: 's'.repeat(2000), description: 'd'.repeat(8000) },
    enrichment: { big: { fields } },
    notes: ['n'.repeat(3000)],
  }));
  return { ...n, alerts, truncatedAlerts: 7 };
}

describe('the message model', () => {
  it('splits a trailing sparkline off an enrichment value, and keeps the rest as written', () => {
    const message = buildMessage(enrichedGroup(), { maxAlerts: 10 });
    expect(message.alerts[0]!.fields[0]).toEqual({
      label: 'CPU',
      value: '0.42 cores · 84% of limit 0.5 cores · request 0.25 cores',
      sparkline: '▁▂▃▅▇',
    });
  });

  it('counts alerts past max_alerts and those Alertmanager truncated as hidden', () => {
    const message = buildMessage(hugeGroup(), { maxAlerts: 15 });
    expect(message.alerts).toHaveLength(15);
    expect(message.hidden).toBe(300 - 15 + 7);
  });
});

describe('platform adapters keep to their limits whatever the group', () => {
  const message = buildMessage(hugeGroup(), { maxAlerts: 15 });

  it('Slack', () => {
    const body = slackBlocks(message);
    expect(checkSlackMessage(body)).toEqual([]);
    expect(checkBlocks(body.blocks as never)).toBeUndefined();
  });

  it('Teams', () => {
    const body = teamsCard(message);
    expect(checkTeamsMessage(body)).toEqual([]);
    expect(teamsStandInCheck(body)).toBeUndefined();
  });

  it('Discord', () => {
    const body = discordEmbeds(message);
    expect(checkDiscordMessage(body)).toEqual([]);
    expect(checkEmbeds(body.content, body.embeds as never)).toBeUndefined();
    expect(body.embeds[0]!.description).toContain(`…and ${300 - body.embeds.length + 1 + 7} more alerts`);
  });

  it('Google Chat', () => {
    const body = googleChatCard(message);
    expect(checkGoogleChatMessage(body)).toEqual([]);
    expect(body.thread.threadKey).toBe(threadKeyOf(message.groupKey));
    expect(body.thread.threadKey).not.toContain('KubePodCrashLooping');
  });
});
