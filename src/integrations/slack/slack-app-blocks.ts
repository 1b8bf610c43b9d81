import type { Message } from '../chat/message-model.js';
import { safeLink } from '../chat/alert-links.js';
import { slackBlocks, type SlackBlock, type SlackButton } from './slack-blocks.js';
import { escapeMrkdwn as escape, mrkdwnLink } from './slack-mrkdwn.js';

/** What the Slack app's message shows beyond the message model: the episode's state and its buttons. */
export interface SlackAppStatus {
  /** The message reference's id: what each button carries back. */
  readonly ref: string;
  /** Whether a click can come back (a signing secret or an app token is configured); without, no button is drawn. */
  readonly buttons: boolean;
  /** Every alert resolved: after how long, and when. */
  readonly resolved?: { readonly after: string; readonly at: number };
  readonly silence?: { readonly by: string; readonly until: number; readonly url?: string };
  readonly ack?: { readonly by: string; readonly at: number };
}

/** The app-mode body: the text for notifications, and the blocks inside one attachment for its colour bar. */
export interface SlackAppMessage {
  readonly text: string;
  readonly attachments: readonly [{ readonly color: string; readonly fallback: string; readonly blocks: readonly SlackBlock[] }];
}

// Slack's own red and green: the bar beside the message says firing or resolved at a glance.
const COLOURS = { firing: '#E01E5A', resolved: '#2EB67D', silenced: '#9E9EA6' } as const;
export const SLACK_ACTION_IDS = {
  silence1h: 'silence_1h',
  silence4h: 'silence_4h',
  acknowledge: 'acknowledge',
  unsilence: 'unsilence',
} as const;

/**
 * The message model as the Slack app posts and edits it: the same blocks as the webhook mode, then
 * one line for the episode (resolved after, silenced by, acknowledged by) and the buttons. Pure.
 */
export function slackAppMessage(message: Message, status: SlackAppStatus): SlackAppMessage {
  const base = slackBlocks(message, 2);
  const blocks: SlackBlock[] = [...base.blocks];
  const lines: string[] = [];
  if (status.resolved) lines.push(`✅ Resolved after ${status.resolved.after} (${clock(status.resolved.at)})`);
  if (status.silence) {
    const url = safeLink(status.silence.url);
    const link = url ? ` · ${mrkdwnLink(url, 'silence')}` : '';
    lines.push(`🔕 Silenced by <@${escape(status.silence.by)}> until ${clock(status.silence.until)}${link}`);
  }
  if (status.ack) lines.push(`👀 Acknowledged by <@${escape(status.ack.by)}> at ${clock(status.ack.at)}`);
  if (lines.length > 0) blocks.push({ type: 'context', elements: lines.map((text) => ({ type: 'mrkdwn' as const, text })) });
  const buttons = status.buttons ? buttonsFor(message, status) : [];
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: 'alertpipe', elements: buttons });
  const color = status.silence && message.state === 'firing' ? COLOURS.silenced : COLOURS[message.state];
  return { text: base.text, attachments: [{ color, fallback: base.text, blocks }] };
}

function buttonsFor(message: Message, status: SlackAppStatus): SlackButton[] {
  const button = (action_id: string, text: string, style?: 'primary' | 'danger'): SlackButton => ({
    type: 'button',
    action_id,
    text: { type: 'plain_text', text },
    value: status.ref,
    ...(style ? { style } : {}),
  });
  const buttons: SlackButton[] = [];
  // A silence outlives its episode in Alertmanager, so Unsilence stays while it lasts.
  if (status.silence) buttons.push(button(SLACK_ACTION_IDS.unsilence, 'Unsilence', 'danger'));
  if (message.state === 'resolved') return buttons;
  if (!status.silence) buttons.push(button(SLACK_ACTION_IDS.silence1h, 'Silence 1h'), button(SLACK_ACTION_IDS.silence4h, 'Silence 4h'));
  if (!status.ack) buttons.push(button(SLACK_ACTION_IDS.acknowledge, 'Acknowledge', 'primary'));
  return buttons;
}

function clock(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
