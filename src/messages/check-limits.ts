import { DISCORD_LIMITS, embedCharacters, type DiscordMessage } from './discord-embeds.js';
import { GOOGLE_CHAT_LIMITS, type GoogleChatMessage } from './google-chat-card.js';
import { SLACK_LIMITS, type SlackMessage } from './slack-blocks.js';
import { TEAMS_LIMITS, type TeamsMessage } from './teams-card.js';

/**
 * Each platform's documented limits, checked on a finished body: what `alertpipe render` reports
 * before anything is sent. The adapters keep to these limits; a problem here is a bug to report.
 */

export function checkSlackMessage(message: SlackMessage): string[] {
  const problems: string[] = [];
  if (message.blocks.length > SLACK_LIMITS.blocks) problems.push(`${message.blocks.length} blocks (Slack takes at most ${SLACK_LIMITS.blocks})`);
  message.blocks.forEach((block, index) => {
    if (block.type === 'header' && block.text.text.length > SLACK_LIMITS.headerText) problems.push(`block ${index}: header over ${SLACK_LIMITS.headerText} characters`);
    if (block.type === 'section' && block.text.text.length > SLACK_LIMITS.sectionText) problems.push(`block ${index}: section over ${SLACK_LIMITS.sectionText} characters`);
    if (block.type === 'section' && block.text.text.length === 0) problems.push(`block ${index}: empty section text`);
    if (block.type === 'context' && (block.elements.length === 0 || block.elements.length > SLACK_LIMITS.contextElements)) problems.push(`block ${index}: context needs 1 to 10 elements`);
  });
  if (message.text.length > SLACK_LIMITS.fallbackText) problems.push(`text over ${SLACK_LIMITS.fallbackText} characters`);
  return problems;
}

export function checkTeamsMessage(message: TeamsMessage): string[] {
  const bytes = Buffer.byteLength(JSON.stringify(message));
  return bytes > TEAMS_LIMITS.messageBytes ? [`${bytes} bytes (Teams takes about ${TEAMS_LIMITS.messageBytes})`] : [];
}

export function checkDiscordMessage(message: DiscordMessage): string[] {
  const problems: string[] = [];
  if (message.embeds.length > DISCORD_LIMITS.embeds) problems.push(`${message.embeds.length} embeds (Discord takes at most ${DISCORD_LIMITS.embeds})`);
  const total = embedCharacters(message.embeds);
  if (total > DISCORD_LIMITS.totalCharacters) problems.push(`${total} characters in embeds (Discord takes at most ${DISCORD_LIMITS.totalCharacters})`);
  if (message.content.length > DISCORD_LIMITS.content) problems.push(`content over ${DISCORD_LIMITS.content} characters`);
  message.embeds.forEach((embed, index) => {
    if (embed.title.length > DISCORD_LIMITS.title) problems.push(`embed ${index}: title over ${DISCORD_LIMITS.title}`);
    if ((embed.description?.length ?? 0) > DISCORD_LIMITS.description) problems.push(`embed ${index}: description over ${DISCORD_LIMITS.description}`);
    const fields = embed.fields ?? [];
    if (fields.length > DISCORD_LIMITS.fields) problems.push(`embed ${index}: ${fields.length} fields (at most ${DISCORD_LIMITS.fields})`);
    fields.forEach((field, f) => {
      if (field.name.length === 0 || field.name.length > DISCORD_LIMITS.fieldName) problems.push(`embed ${index} field ${f}: name must be 1 to ${DISCORD_LIMITS.fieldName}`);
      if (field.value.length === 0 || field.value.length > DISCORD_LIMITS.fieldValue) problems.push(`embed ${index} field ${f}: value must be 1 to ${DISCORD_LIMITS.fieldValue}`);
    });
    if ((embed.footer?.text.length ?? 0) > DISCORD_LIMITS.footer) problems.push(`embed ${index}: footer over ${DISCORD_LIMITS.footer}`);
  });
  return problems;
}

export function checkGoogleChatMessage(message: GoogleChatMessage): string[] {
  const problems: string[] = [];
  const bytes = Buffer.byteLength(JSON.stringify(message));
  if (bytes > GOOGLE_CHAT_LIMITS.messageBytes) problems.push(`${bytes} bytes (Google Chat takes at most ${GOOGLE_CHAT_LIMITS.messageBytes})`);
  for (const card of message.cardsV2) {
    if (card.card.sections.length === 0) problems.push(`card ${card.cardId}: no section`);
    card.card.sections.forEach((section, index) => {
      if (section.widgets.length === 0) problems.push(`card ${card.cardId} section ${index}: no widget`);
    });
  }
  return problems;
}
