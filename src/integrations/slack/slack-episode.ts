import type { Message } from '../chat/message-model.js';
import type { AlertStatus, EnrichedNotification } from '../../model/model.js';
import { groupSilenceMatchers, type SilenceMatcher } from '../../alertmanager/silence-matchers.js';
import { escapeMrkdwn } from './slack-mrkdwn.js';
import { slackEscalationLines } from './slack-blocks.js';

/** Who silenced the group, until when, and the silence's ID in Alertmanager. */
export interface SilenceMark {
  readonly id: string;
  readonly by: string;
  readonly until: number;
  readonly url?: string;
}

/**
 * One episode of a group, as kept beside its Slack message: from the first firing notification
 * until everything resolved. What the message needs to be rendered again (after a click, after a
 * restart) and what the next notification is compared with.
 */
export interface EpisodeState {
  readonly notificationId: string;
  /** When the notification last rendered arrived: an older one, retried late, must not overwrite it. */
  readonly receivedAt: number;
  /** The earliest startsAt of the episode's alerts. */
  readonly startedAt: number;
  /** Set once every alert resolved: the latest endsAt. */
  readonly resolvedAt?: number;
  /**
   * The alerts of the episode and their last status: those of the latest notification, any other
   * still firing, and the `MAX_RESOLVED_KEPT` most recently resolved (so that one firing again is
   * told apart from one joining), never every alert an endless episode ever saw.
   */
  readonly alerts: Readonly<Record<string, AlertStatus>>;
  /** How many alerts the episode has had; absent in states saved before it was kept (count `alerts`). */
  readonly seen?: number;
  readonly message: Message;
  /** What a "Silence" click silences: the group's alerts, as matchers. */
  readonly matchers: readonly SilenceMatcher[];
  /** Thread replies decided but not yet posted (a retry posts them, not a "repeat"). */
  readonly pendingReplies: readonly string[];
  readonly silence?: SilenceMark;
  readonly ack?: { readonly by: string; readonly at: number };
}

/** Resolved alerts remembered beyond the latest notification's; past them the oldest are forgotten. */
export const MAX_RESOLVED_KEPT = 500;

export type EpisodeStep =
  | { readonly kind: 'post'; readonly state: EpisodeState }
  | { readonly kind: 'update'; readonly state: EpisodeState }
  | { readonly kind: 'stale' };

/**
 * What a notification does to the group's message: starts an episode (the first firing one, or
 * the first after everything resolved), updates it with what changed, or is older than what the
 * message already shows. The replies say what changed, for the thread.
 */
export function nextEpisode(previous: EpisodeState | undefined, notification: EnrichedNotification, message: Message): EpisodeStep {
  const receivedAt = notification.receivedAt.getTime();
  const current: Record<string, AlertStatus> = Object.fromEntries(notification.alerts.map((a) => [a.fingerprint, a.status]));
  const resolvedAt = notification.status === 'resolved' ? latestEnd(notification) : undefined;
  if (previous !== undefined) {
    // A retry of the notification the message already shows: same replies as decided then.
    if (previous.notificationId === notification.id) return { kind: 'update', state: { ...previous, message } };
    // Checked before a new episode starts: an old firing notification retried late must not reopen a resolved group.
    if (receivedAt < previous.receivedAt) return { kind: 'stale' };
  }
  if (previous === undefined || (previous.resolvedAt !== undefined && notification.status === 'firing')) {
    return { kind: 'post', state: startEpisode(notification, message) };
  }
  const joined = Object.keys(current).filter((fp) => previous.alerts[fp] === undefined).length;
  const alerts = trimmed(previous.alerts, current);
  const startedAt = Math.min(previous.startedAt, ...notification.alerts.map((a) => a.startsAt.getTime()));
  const replies = changes(previous, current, notification, startedAt, resolvedAt);
  const { resolvedAt: _previousEnd, ...rest } = previous;
  return {
    kind: 'update',
    state: {
      ...rest,
      notificationId: notification.id,
      receivedAt,
      startedAt,
      ...(resolvedAt === undefined ? {} : { resolvedAt }),
      alerts,
      seen: seenIn(previous) + joined,
      message,
      matchers: groupSilenceMatchers(notification.alerts),
      pendingReplies: replies,
    },
  };
}

/** The episode a notification starts: what its first message shows. */
export function startEpisode(notification: EnrichedNotification, message: Message): EpisodeState {
  const resolvedAt = notification.status === 'resolved' ? latestEnd(notification) : undefined;
  return {
    notificationId: notification.id,
    receivedAt: notification.receivedAt.getTime(),
    startedAt: Math.min(...notification.alerts.map((a) => a.startsAt.getTime())),
    ...(resolvedAt === undefined ? {} : { resolvedAt }),
    alerts: Object.fromEntries(notification.alerts.map((a) => [a.fingerprint, a.status])),
    seen: notification.alerts.length,
    message,
    matchers: groupSilenceMatchers(notification.alerts),
    pendingReplies: [],
  };
}

function changes(
  previous: EpisodeState,
  current: Record<string, AlertStatus>,
  notification: EnrichedNotification,
  startedAt: number,
  resolvedAt: number | undefined,
): string[] {
  const joined = Object.keys(current).filter((fp) => current[fp] === 'firing' && previous.alerts[fp] === undefined);
  const refired = Object.keys(current).filter((fp) => current[fp] === 'firing' && previous.alerts[fp] === 'resolved');
  const resolved = Object.keys(current).filter((fp) => current[fp] === 'resolved' && previous.alerts[fp] !== 'resolved');
  const firing = Object.values(current).filter((status) => status === 'firing').length;
  const lines: string[] = [];
  if (joined.length === 1) lines.push(`🔥 a ${ordinal(seenIn(previous) + 1)} alert joined: ${nameOf(notification, joined[0] as string)}`);
  if (joined.length > 1) lines.push(`🔥 ${joined.length} alerts joined`);
  if (refired.length > 0) lines.push(`🔥 ${count(refired.length)} firing again`);
  if (resolvedAt !== undefined)
    lines.push(`✅ all ${count(Object.keys(current).length)} resolved after ${duration(resolvedAt - startedAt)}`);
  else if (resolved.length > 0) lines.push(`✅ ${count(resolved.length)} resolved, ${firing} still firing`);
  // An escalation step in the thread: a mention in an edited message notifies nobody, one in a reply does.
  if (notification.escalation !== undefined) return [...lines, slackEscalationLines(notification.escalation).join('\n')];
  if (lines.length === 0)
    lines.push(notification.status === 'firing' ? `🔁 still firing: ${count(firing)} (repeat)` : '✅ resolved (repeat)');
  return lines;
}

function seenIn(state: EpisodeState): number {
  return state.seen ?? Object.keys(state.alerts).length;
}

/**
 * The previous alerts updated with the latest notification's, kept to what the episode needs: every
 * alert still firing, and of those resolved before, the most recent `MAX_RESOLVED_KEPT` (an object
 * keeps insertion order: a fingerprint updated is moved to the end, so the oldest come first).
 */
function trimmed(
  previous: Readonly<Record<string, AlertStatus>>,
  current: Readonly<Record<string, AlertStatus>>,
): Record<string, AlertStatus> {
  const earlier = Object.entries(previous).filter(([fp]) => current[fp] === undefined);
  const resolved = earlier.filter(([, status]) => status === 'resolved');
  const forgotten = new Set(resolved.slice(0, Math.max(0, resolved.length - MAX_RESOLVED_KEPT)).map(([fp]) => fp));
  return { ...Object.fromEntries(earlier.filter(([fp]) => !forgotten.has(fp))), ...current };
}

function latestEnd(notification: EnrichedNotification): number {
  return Math.max(...notification.alerts.map((a) => (a.endsAt ?? notification.receivedAt).getTime()));
}

/** The joined alert's own labels (`pod=b`), escaped: the thread reply is mrkdwn. */
function nameOf(notification: EnrichedNotification, fingerprint: string): string {
  const alert = notification.alerts.find((a) => a.fingerprint === fingerprint);
  const own = Object.entries(alert?.labels ?? {}).filter(([k, v]) => notification.commonLabels[k] !== v && k !== 'alertname');
  return escapeMrkdwn(own.length > 0 ? own.map(([k, v]) => `${k}=${v}`).join(' ') : (alert?.labels.alertname ?? fingerprint));
}

/** "1 alert", "3 alerts". */
export function count(n: number): string {
  return `${n} alert${n === 1 ? '' : 's'}`;
}

export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** "25 min", "2 h 5 min", "3 d 4 h": how long an episode lasted. */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  return `${Math.floor(hours / 24)} d${hours % 24 ? ` ${hours % 24} h` : ''}`;
}
