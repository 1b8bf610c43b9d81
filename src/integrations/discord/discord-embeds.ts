import { escalationLines } from '../chat/escalation-lines.js';
import { alertHeading, cut, fitAlerts, moreAlertsText, type Message, type MessageAlert } from '../chat/message-model.js';

/**
 * The message model as a Discord webhook message: one embed for the group, one per alert, coloured
 * by state. Discord refuses the whole message (400, code 50035 "Invalid Form Body") past any of
 * its embed limits, so the adapter folds and cuts instead.
 */

// discord.com/developers/docs/resources/message#embed-object-embed-limits
export const DISCORD_LIMITS = {
  embeds: 10,
  totalCharacters: 6_000,
  title: 256,
  description: 4_096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1_024,
  footer: 2_048,
  content: 2_000,
} as const;

// Red while firing, green once resolved (the colour bar at the embed's left).
const COLOURS = { firing: 0xe01e5a, resolved: 0x2eb67d } as const;
// An alert's own text is kept short so that several alerts share the 6,000 characters.
const ALERT_DESCRIPTION = 1_500;

export interface DiscordEmbed {
  readonly title: string;
  readonly description?: string;
  readonly url?: string;
  readonly color: number;
  readonly fields?: readonly { readonly name: string; readonly value: string; readonly inline: boolean }[];
  readonly footer?: { readonly text: string };
}

export interface DiscordMessage {
  readonly content: string;
  readonly embeds: readonly DiscordEmbed[];
  /** No @everyone, @here or role ping from an alert's text, whatever it says. */
  readonly allowed_mentions: { readonly parse: readonly never[] };
}

export function discordEmbeds(message: Message): DiscordMessage {
  const fitted = fitAlerts(
    message,
    (shown, hidden) => render(message, shown, hidden),
    (rendered) => embedCharacters(rendered.embeds) <= DISCORD_LIMITS.totalCharacters,
    DISCORD_LIMITS.embeds - 1,
  );
  // One alert with very many long fields can still be too much: its last fields go.
  const embeds = [...fitted.embeds];
  let last = embeds[embeds.length - 1];
  while (last?.fields && embedCharacters(embeds) > DISCORD_LIMITS.totalCharacters) {
    last = { ...last, fields: last.fields.slice(0, -1) };
    embeds[embeds.length - 1] = last;
  }
  return { ...fitted, embeds };
}

/** Characters Discord counts toward the 6,000: titles, descriptions, field names and values, footers. */
export function embedCharacters(embeds: readonly DiscordEmbed[]): number {
  let total = 0;
  for (const embed of embeds) {
    total += embed.title.length + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0);
    for (const field of embed.fields ?? []) total += field.name.length + field.value.length;
  }
  return total;
}

function render(message: Message, shown: readonly MessageAlert[], hidden: number): DiscordMessage {
  const color = COLOURS[message.state];
  const lines: string[] = [];
  const context = [
    ...message.context.map(([k, v]) => `**${escapeMarkdown(k)}** ${escapeMarkdown(v)}`),
    ...(message.receiver ? [`receiver ${escapeMarkdown(message.receiver)}`] : []),
  ];
  if (context.length > 0) lines.push(context.join('  ·  '));
  if (message.escalation) lines.push(...escalationLines(message.escalation, escapeMarkdown));
  if (message.text) lines.push(escapeMarkdown(message.text));
  if (hidden > 0) lines.push(`${moreAlertsText(hidden)}${message.externalURL ? ` ([Alertmanager](${message.externalURL}))` : ''}`);
  for (const note of message.notes) lines.push(`⚠ ${escapeMarkdown(note)}`);
  const group: DiscordEmbed = {
    title: cut(escapeMarkdown(message.title), DISCORD_LIMITS.title),
    ...(lines.length > 0 ? { description: cut(lines.join('\n'), DISCORD_LIMITS.description) } : {}),
    ...(message.externalURL ? { url: message.externalURL } : {}),
    color,
  };
  // With a single embed budget left, the one alert is cut until the whole fits.
  const budget = Math.max(200, DISCORD_LIMITS.totalCharacters - embedCharacters([group]) - 100);
  const perAlert = Math.min(ALERT_DESCRIPTION, Math.floor(budget / Math.max(1, shown.length)) - 300);
  return {
    // Content is markdown like the rest; allowed_mentions keeps an @everyone in it from pinging.
    content: cut(escapeMarkdown(message.fallback), DISCORD_LIMITS.content),
    embeds: [group, ...shown.map((alert) => alertEmbed(alert, color, Math.max(100, perAlert)))],
    allowed_mentions: { parse: [] },
  };
}

function alertEmbed(alert: MessageAlert, color: number, descriptionLimit: number): DiscordEmbed {
  const status = !alert.statusDiffers ? '' : alert.status === 'resolved' ? '✅ resolved · ' : '🔥 firing · ';
  const lines: string[] = [];
  if (alert.summary) lines.push(`**${escapeMarkdown(alert.summary)}**`);
  if (alert.description) lines.push(escapeMarkdown(alert.description));
  for (const note of alert.notes) lines.push(`⚠ *${escapeMarkdown(note)}*`);
  const links = alert.links.map((link) => `[${escapeMarkdown(link.text)}](${link.url})`);
  if (links.length > 0) lines.push(links.join('  ·  '));
  const fields = alert.fields.slice(0, DISCORD_LIMITS.fields).map((field) => ({
    name: cut(escapeMarkdown(field.label), DISCORD_LIMITS.fieldName) || '-',
    value: cut(`${escapeMarkdown(field.value)}${field.sparkline ? `\n${field.sparkline}` : ''}`, 200) || '-',
    inline: true,
  }));
  return {
    title: cut(`${status}${escapeMarkdown(alertHeading(alert))}`, DISCORD_LIMITS.title),
    // Links come last and must stay whole: the text before them is what gets cut.
    ...(lines.length > 0 ? { description: cutKeepingLast(lines, links.length > 0, descriptionLimit) } : {}),
    color,
    ...(fields.length > 0 ? { fields } : {}),
    footer: { text: alert.when },
  };
}

function cutKeepingLast(lines: string[], keepLast: boolean, limit: number): string {
  if (!keepLast || lines.length < 2) return cut(lines.join('\n'), limit);
  const last = lines[lines.length - 1] ?? '';
  return `${cut(lines.slice(0, -1).join('\n'), Math.max(1, limit - last.length - 1))}\n${last}`.slice(0, DISCORD_LIMITS.description);
}

/**
 * Discord reads markdown in content, embed titles, descriptions and field names: an alert's text
 * is shown as written, each markdown character after a backslash (Discord shows `\*` as `*`).
 * With `[` and `]` escaped no masked link `[text](url)` can form, so a link always shows where it
 * goes; `<` too, for `<@id>` and `<#channel>`; `#` for headings, and a `-` that starts a line
 * (lists, subtext). Mentions are stopped by `allowed_mentions` instead: `@everyone` stays text.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\*_~`|<>[\]#]/g, '\\$&').replace(/^(\s*)-/gm, '$1\\-');
}

/**
 * The platform's documented limits, checked on a finished body: what `alertpipe render` reports
 * before anything is sent. The adapter above keeps to these limits; a problem here is a bug to report.
 */
export function checkDiscordMessage(message: DiscordMessage): string[] {
  const problems: string[] = [];
  if (message.embeds.length > DISCORD_LIMITS.embeds)
    problems.push(`${message.embeds.length} embeds (Discord takes at most ${DISCORD_LIMITS.embeds})`);
  const total = embedCharacters(message.embeds);
  if (total > DISCORD_LIMITS.totalCharacters)
    problems.push(`${total} characters in embeds (Discord takes at most ${DISCORD_LIMITS.totalCharacters})`);
  if (message.content.length > DISCORD_LIMITS.content) problems.push(`content over ${DISCORD_LIMITS.content} characters`);
  message.embeds.forEach((embed, index) => {
    if (embed.title.length > DISCORD_LIMITS.title) problems.push(`embed ${index}: title over ${DISCORD_LIMITS.title}`);
    if ((embed.description?.length ?? 0) > DISCORD_LIMITS.description)
      problems.push(`embed ${index}: description over ${DISCORD_LIMITS.description}`);
    const fields = embed.fields ?? [];
    if (fields.length > DISCORD_LIMITS.fields) problems.push(`embed ${index}: ${fields.length} fields (at most ${DISCORD_LIMITS.fields})`);
    fields.forEach((field, f) => {
      if (field.name.length === 0 || field.name.length > DISCORD_LIMITS.fieldName)
        problems.push(`embed ${index} field ${f}: name must be 1 to ${DISCORD_LIMITS.fieldName}`);
      if (field.value.length === 0 || field.value.length > DISCORD_LIMITS.fieldValue)
        problems.push(`embed ${index} field ${f}: value must be 1 to ${DISCORD_LIMITS.fieldValue}`);
    });
    if ((embed.footer?.text.length ?? 0) > DISCORD_LIMITS.footer) problems.push(`embed ${index}: footer over ${DISCORD_LIMITS.footer}`);
  });
  return problems;
}
