import type { AlertStatus, EnrichedNotification } from '../../model/model.js';

/**
 * One episode of a group in a Telegram chat, kept beside its message reference: from the first
 * firing notification until the group resolved. What the next notification is compared with, and
 * the reply decided but not yet posted (so that a retry posts it once, not a second one).
 */
export interface TelegramEpisode {
  readonly messageId: number;
  readonly notificationId: string;
  /** When the notification last shown arrived: an older one, retried late, must not overwrite it. */
  readonly receivedAt: number;
  readonly startedAt: number;
  /** Set once the whole group resolved. */
  readonly resolvedAt?: number;
  /** The alerts of the latest notification and their status. */
  readonly alerts: Readonly<Record<string, AlertStatus>>;
  /** A reply under the message decided by this notification and not yet posted. */
  readonly pendingReply?: string;
  /** The notification whose new message's graphs are not yet posted: a retry of it posts them, once. */
  readonly pendingGraphs?: string;
}

export type EpisodeStep =
  /** A new message: the first of the group, or the first after it resolved. */
  | { readonly kind: 'send' }
  /** The message edited to show the notification, then `reply` posted under it. */
  | { readonly kind: 'edit'; readonly messageId: number; readonly reply: string | undefined }
  /** Older than what the message shows. */
  | { readonly kind: 'stale' };

/**
 * What a notification does to the group's message. Telegram can edit a message, so an episode is one
 * message kept up to date; a reply (which notifies, where an edit does not) says what changed:
 * the group resolved, alerts joined or resolved, or a repeat while still firing.
 */
export function nextStep(previous: TelegramEpisode | undefined, notification: EnrichedNotification): EpisodeStep {
  if (previous === undefined) return { kind: 'send' };
  // A retry of the notification the message shows: the same reply, if it is still to post.
  if (previous.notificationId === notification.id) return { kind: 'edit', messageId: previous.messageId, reply: previous.pendingReply };
  if (notification.receivedAt.getTime() < previous.receivedAt) return { kind: 'stale' };
  const resolved = notification.status === 'resolved';
  if (previous.resolvedAt !== undefined)
    return resolved ? { kind: 'edit', messageId: previous.messageId, reply: undefined } : { kind: 'send' };
  return { kind: 'edit', messageId: previous.messageId, reply: changes(previous, notification) };
}

/** The episode once this notification is shown in message `messageId`. */
export function episodeAfter(
  previous: TelegramEpisode | undefined,
  step: EpisodeStep,
  notification: EnrichedNotification,
  messageId: number,
): TelegramEpisode {
  const continues = step.kind === 'edit' && previous !== undefined;
  const startsAt = Math.min(...notification.alerts.map((a) => a.startsAt.getTime()));
  const reply = step.kind === 'edit' ? step.reply : undefined;
  return {
    messageId,
    notificationId: notification.id,
    receivedAt: Math.max(notification.receivedAt.getTime(), previous?.receivedAt ?? 0),
    startedAt: continues ? Math.min(previous.startedAt, startsAt) : startsAt,
    ...(notification.status === 'resolved' ? { resolvedAt: latestEnd(notification) } : {}),
    alerts: Object.fromEntries(notification.alerts.map((a) => [a.fingerprint, a.status])),
    ...(reply === undefined ? {} : { pendingReply: reply }),
  };
}

function changes(previous: TelegramEpisode, notification: EnrichedNotification): string {
  const current = notification.alerts;
  const joined = current.filter((a) => a.status === 'firing' && previous.alerts[a.fingerprint] !== 'firing').length;
  const resolved = current.filter((a) => a.status === 'resolved' && previous.alerts[a.fingerprint] !== 'resolved').length;
  const firing = current.filter((a) => a.status === 'firing').length;
  if (notification.status === 'resolved') {
    const startedAt = Math.min(previous.startedAt, ...current.map((a) => a.startsAt.getTime()));
    return `✅ resolved after ${duration(latestEnd(notification) - startedAt)}`;
  }
  const lines: string[] = [];
  if (joined > 0) lines.push(`🔥 ${count(joined)} joined`);
  if (resolved > 0) lines.push(`✅ ${count(resolved)} resolved, ${firing} still firing`);
  return lines.length > 0 ? lines.join('\n') : `🔁 still firing: ${count(firing)}`;
}

function latestEnd(notification: EnrichedNotification): number {
  return Math.max(...notification.alerts.map((a) => (a.endsAt ?? notification.receivedAt).getTime()));
}

function count(n: number): string {
  return `${n} alert${n === 1 ? '' : 's'}`;
}

/** "25 min", "2 h 5 min", "3 d 4 h". */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  return `${Math.floor(hours / 24)} d${hours % 24 ? ` ${hours % 24} h` : ''}`;
}
