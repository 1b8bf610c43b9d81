import type { EnrichedNotification } from '../../model/model.js';
import { messageRefId, type MessageRef, type MessageRefStore } from '../../store/ports/message-refs.js';
import type { ActionContext } from '../action.js';
import { applyOncePerEpisode } from './first-post.js';

/** Where a posted message is, as the platform named it: the room, stream or webhook, and the message. */
export interface PlacedMessage {
  readonly channelId: string;
  readonly messageId: string;
}

/** How a platform posts a group's message and edits it later. */
export interface MessageEditor {
  post(signal: AbortSignal): Promise<PlacedMessage>;
  /**
   * Replaces the message's content. `gone` (with the platform's reason) when the platform will not
   * edit that message any more (deleted, past its edit limit): a new message then carries the group on.
   */
  edit(placed: PlacedMessage, signal: AbortSignal): Promise<'edited' | { readonly gone: string }>;
}

export type PlaceOutcome =
  | { readonly kind: 'posted' | 'edited'; readonly placed: PlacedMessage }
  | { readonly kind: 'posted anew'; readonly placed: PlacedMessage; readonly reason: string }
  | { readonly kind: 'stale' };

/** What is kept beside the reference: enough to tell a newer notification from an older one retried late. */
interface GroupMessageState {
  readonly notificationId: string;
  readonly receivedAt: number;
  readonly resolved: boolean;
}

/**
 * One message per episode of a group (from its first firing notification until it resolves),
 * edited in place by every later notification of the group. The reference lives in the delivery
 * store (`ctx.messageRefs`), so a restart, or another replica, edits the same message; without a
 * store (a test, `alertpipe render`) it lives as long as the action. A group firing again after it
 * resolved starts a new message, as a new incident should. Deliveries of one group run one at a
 * time in this process; across replicas, the one that posts an episode's first message is the one
 * that takes the store's first-post claim (`ctx.firstPostClaims`), and the others edit its message.
 */
export function groupMessages(action: string, channel: string, timeoutMs: number) {
  const fallback = new Map<string, MessageRef>();
  const localRefs: MessageRefStore = {
    getMessageRef: async (id) => fallback.get(id),
    putMessageRef: async (ref) => void fallback.set(ref.id, ref),
  };
  // Two notifications of one group must not both find no message and both post: one at a time per group.
  const queues = new Map<string, Promise<unknown>>();

  async function exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (queues.get(key) ?? Promise.resolve()).catch(() => {}).then(work);
    queues.set(key, run);
    try {
      return await run;
    } finally {
      if (queues.get(key) === run) queues.delete(key);
    }
  }

  /** Whether the notification starts a new message given the reference kept, or is older than it shows. */
  function decide(notification: EnrichedNotification, previous: MessageRef | undefined): 'post' | 'edit' | 'stale' {
    const state = previous?.state as GroupMessageState | undefined;
    const retry = state?.notificationId === notification.id;
    // An old notification retried late must not overwrite what the message already shows.
    if (state !== undefined && !retry && notification.receivedAt.getTime() < state.receivedAt) return 'stale';
    const newEpisode = previous === undefined || state === undefined || (state.resolved && !retry && notification.status === 'firing');
    return newEpisode ? 'post' : 'edit';
  }

  async function place(
    notification: EnrichedNotification,
    store: MessageRefStore,
    editor: MessageEditor,
    signal: AbortSignal,
    previous: MessageRef | undefined,
  ): Promise<PlaceOutcome> {
    const id = messageRefId(action, channel, notification.groupKey);
    const receivedAt = notification.receivedAt.getTime();
    const decision = decide(notification, previous);
    if (decision === 'stale') return { kind: 'stale' };

    let outcome: Exclude<PlaceOutcome, { kind: 'stale' }>;
    if (decision === 'post' || previous === undefined) {
      outcome = { kind: 'posted', placed: await editor.post(signal) };
    } else {
      const placed = { channelId: previous.channelId, messageId: previous.ts };
      const edited = await editor.edit(placed, signal);
      outcome =
        edited === 'edited' ? { kind: 'edited', placed } : { kind: 'posted anew', placed: await editor.post(signal), reason: edited.gone };
    }
    const next: GroupMessageState = { notificationId: notification.id, receivedAt, resolved: notification.status === 'resolved' };
    await store.putMessageRef({
      id,
      action,
      channel,
      groupKey: notification.groupKey,
      channelId: outcome.placed.channelId,
      ts: outcome.placed.messageId,
      state: next as unknown as Record<string, unknown>,
      updatedAt: Date.now(),
    });
    return outcome;
  }

  return {
    /** Posts the group's message or edits the one it has, one notification of a group at a time. */
    place: (notification: EnrichedNotification, ctx: ActionContext, editor: MessageEditor) =>
      exclusive(notification.groupKey, () => {
        const store = ctx.messageRefs ?? localRefs;
        const id = messageRefId(action, channel, notification.groupKey);
        return applyOncePerEpisode(
          { claims: ctx.firstPostClaims, id, timeoutMs, signal: ctx.signal, logger: ctx.logger },
          () => store.getMessageRef(id),
          (previous) => decide(notification, previous) === 'post',
          (previous) => place(notification, store, editor, ctx.signal, previous),
        );
      }),
  };
}
