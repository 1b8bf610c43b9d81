import { createHash } from 'node:crypto';
import type { EnrichedNotification } from '../../model/model.js';
import { messageRefId, type MessageRef, type MessageRefStore } from '../../store/ports/message-refs.js';

/** What is kept of a group's thread beside its message reference (`MessageRef.state`). */
export interface ThreadState {
  /** The Message-ID of the episode's first mail, which every later mail answers. */
  readonly rootMessageId: string;
  readonly rootNotificationId: string;
  /** The last mail of the thread was a resolve: the next firing one starts a new thread. */
  readonly resolved: boolean;
  /** When the latest notification threaded arrived: an older one retried late changes nothing. */
  readonly receivedAt: number;
}

/** The threading headers of one mail, and the reference to keep once it is sent. */
export interface MailThread {
  readonly messageId: string;
  /** Absent on an episode's first mail. */
  readonly inReplyTo?: string;
  readonly references?: readonly string[];
  /** The reference to save after the mail went out, or undefined when it changes nothing. */
  readonly next?: MessageRef;
}

/**
 * Where a group's mail goes in its thread. The first mail of an episode (the group's first, or
 * the first firing after a resolve) gets a Message-ID of its own and starts the thread; every later
 * one (repeats, alerts joining, the resolve) carries `In-Reply-To` and `References` with that first
 * Message-ID, so mail clients show it under the firing mail. The first Message-ID is kept in the
 * delivery store (`ctx.messageRefs`), so the thread goes on after a restart and on every replica.
 * Every Message-ID is derived from the notification, so a retried mail has the same one.
 */
export async function mailThread(
  refs: MessageRefStore,
  where: { readonly action: string; readonly to: string; readonly domain: string },
  notification: EnrichedNotification,
): Promise<MailThread> {
  const id = messageRefId(where.action, where.to, notification.groupKey);
  const previous = (await refs.getMessageRef(id))?.state as ThreadState | undefined;
  const messageId = `<alertpipe.${hash(where.action, where.to, notification.groupKey, notification.id)}@${where.domain}>`;
  const receivedAt = notification.receivedAt.getTime();
  const reference = (state: ThreadState): MessageRef => ({
    id,
    action: where.action,
    channel: where.to,
    groupKey: notification.groupKey,
    channelId: where.to,
    ts: state.rootMessageId,
    state: state as unknown as Record<string, unknown>,
    updatedAt: Date.now(),
  });
  const startsThread =
    previous === undefined ||
    previous.rootNotificationId === notification.id ||
    (previous.resolved && notification.status === 'firing' && receivedAt >= previous.receivedAt);
  if (startsThread) {
    const state: ThreadState = {
      rootMessageId: messageId,
      rootNotificationId: notification.id,
      resolved: notification.status === 'resolved',
      receivedAt,
    };
    return { messageId, next: reference(state) };
  }
  const reply = { messageId, inReplyTo: previous.rootMessageId, references: [previous.rootMessageId] };
  // Late (a retry of an older notification): in the thread, but it says nothing about the episode now.
  if (receivedAt < previous.receivedAt) return reply;
  return { ...reply, next: reference({ ...previous, resolved: notification.status === 'resolved', receivedAt }) };
}

/** The domain of the sender address, for Message-IDs (RFC 5322 wants one the sender may speak for). */
export function senderDomain(from: string): string {
  const domain = /@([^\s<>@,]+)/.exec(from)?.[1]?.replace(/[>\]]+$/, '');
  return domain && /^[A-Za-z0-9.-]+$/.test(domain) ? domain : 'alertpipe.invalid';
}

function hash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}
