import { labelValue } from '../../model/label-value.js';
import type { EnrichedNotification } from '../../model/model.js';
import { safeLink } from '../chat/alert-links.js';
import { cut, type Message } from '../chat/message-model.js';
import { textBody } from '../chat/text-body.js';

/**
 * ntfy's limits (docs.ntfy.sh/publish/#limitations, and the server's defaults): a message of
 * 4,096 bytes (a longer one becomes an attachment, or is refused where attachments are off), at
 * most 3 action buttons. A title has no documented limit; a phone shows one line of it.
 */
export const NTFY_LIMITS = { messageBytes: 4_096, title: 250, actions: 3 } as const;

/** A message as ntfy's JSON publish takes it (docs.ntfy.sh/publish/#publish-as-json). */
export interface NtfyMessage {
  readonly topic: string;
  readonly title: string;
  readonly message: string;
  /** 1 (min) to 5 (max, urgent: sound and vibration through Do Not Disturb). */
  readonly priority: number;
  /** Tags that are emoji short codes show as emoji before the title. */
  readonly tags: readonly string[];
  readonly click?: string;
  readonly actions?: readonly { readonly action: 'view'; readonly label: string; readonly url: string }[];
}

export interface NtfyMessageOptions {
  readonly topic: string;
  readonly severityLabel: string;
  /** A fixed priority; the severity's when absent. */
  readonly priority?: number | undefined;
  readonly tags: readonly string[];
}

// Severity values people put in the label, onto ntfy's priorities and the emoji that shows them.
const BY_SEVERITY: Readonly<Record<string, readonly [number, string]>> = {
  critical: [5, 'rotating_light'],
  page: [5, 'rotating_light'],
  emergency: [5, 'rotating_light'],
  fatal: [5, 'rotating_light'],
  error: [4, 'rotating_light'],
  high: [4, 'rotating_light'],
  major: [4, 'rotating_light'],
  warning: [3, 'warning'],
  warn: [3, 'warning'],
  medium: [3, 'warning'],
  minor: [3, 'warning'],
  info: [2, 'information_source'],
  informational: [2, 'information_source'],
  low: [2, 'information_source'],
  none: [1, 'information_source'],
};

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * The group as one ntfy message: the title, the text body within 4,096 bytes, the priority and an
 * emoji tag from the severity while firing (a resolve is quiet, priority 2 and ✅), the first link
 * as what a tap opens and up to three links as buttons.
 */
export function ntfyMessage(notification: EnrichedNotification, message: Message, options: NtfyMessageOptions): NtfyMessage {
  const severity = labelValue(notification.commonLabels, options.severityLabel).trim().toLowerCase();
  const [bySeverity, emoji] = (Object.hasOwn(BY_SEVERITY, severity) ? BY_SEVERITY[severity] : undefined) ?? [3, 'warning'];
  const firing = notification.status === 'firing';
  const links = message.alerts.flatMap((a) => a.links);
  const seen = new Set<string>();
  const buttons = links.filter((l) => !seen.has(l.text) && seen.add(l.text)).slice(0, NTFY_LIMITS.actions);
  const click = links.find((l) => l.text !== 'Silence')?.url ?? safeLink(message.externalURL);
  return {
    topic: options.topic,
    title: cut(message.title, NTFY_LIMITS.title),
    message: textBody(message, { limit: NTFY_LIMITS.messageBytes, measure: bytes }),
    priority: firing ? (options.priority ?? bySeverity) : 2,
    tags: [firing ? emoji : 'white_check_mark', ...options.tags],
    ...(click ? { click } : {}),
    ...(buttons.length > 0 ? { actions: buttons.map((l) => ({ action: 'view' as const, label: l.text, url: l.url })) } : {}),
  };
}

/** The limits a finished message breaks (what `alertpipe render` reports). */
export function checkNtfyMessage(body: NtfyMessage): string[] {
  const problems: string[] = [];
  if (bytes(body.message) > NTFY_LIMITS.messageBytes)
    problems.push(`message: ${bytes(body.message)} bytes, ntfy takes ${NTFY_LIMITS.messageBytes}`);
  if (!Number.isInteger(body.priority) || body.priority < 1 || body.priority > 5)
    problems.push(`priority: ${body.priority}, ntfy takes 1 to 5`);
  if ((body.actions?.length ?? 0) > NTFY_LIMITS.actions)
    problems.push(`actions: ${body.actions?.length}, ntfy takes ${NTFY_LIMITS.actions}`);
  return problems;
}

/**
 * A header value ntfy decodes (RFC 2047, `=?UTF-8?B?…?=`): headers carry ASCII only, and the
 * title and message of an attachment's PUT are headers.
 */
export function headerValue(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}
