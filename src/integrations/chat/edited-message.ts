import type { EnrichedNotification } from '../../model/model.js';
import { messageRefId, type MessageRef, type MessageRefStore } from '../../store/ports/message-refs.js';

/** Where a platform put a message: the room or channel it answered, and the message's own ID. */
export interface PostedMessage {
  readonly channelId: string;
  readonly messageId: string;
}

/** How one platform posts a message and edits the one it posted. */
export interface MessageEditor {
  post(): Promise<PostedMessage>;
  /** `gone`: the platform no longer has that message (deleted, not ours): a fresh one is posted. */
  edit(previous: PostedMessage): Promise<'edited' | 'gone'>;
}

/** What is kept beside the reference: enough to tell a later notification from an older one. */
interface EditedState {
  readonly notificationId: string;
  readonly receivedAt: number;
  readonly resolved: boolean;
}

export type EditOutcome = 'posted' | 'edited' | 'posted anew' | 'stale';

/**
 * One message per episode of a group, edited in place by every later notification of the group
 * (an alert joins, some resolve, all resolve), for platforms whose API can edit a message
 * (Mattermost with a bot, Rocket.Chat). The reference lives in the delivery store, as the Slack
 * app's does, so the same message is edited after a restart and from another replica. A group that
 * fires again after it fully resolved starts a new message; a notification older than the one the
 * message shows (retried late) changes nothing. Without a store (a test, `alertpipe render`) the
 * references live as long as the action.
 */
export function editedMessages(action: string, channel: string) {
  const fallback = new Map<string, MessageRef>();
  const localRefs: MessageRefStore = {
    getMessageRef: async (id) => fallback.get(id),
    putMessageRef: async (ref) => void fallback.set(ref.id, ref),
  };
  // Two notifications of one new group must not both find no message and both post.
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

  async function deliver(notification: EnrichedNotification, store: MessageRefStore, editor: MessageEditor): Promise<EditOutcome> {
    const id = messageRefId(action, channel, notification.groupKey);
    const previous = await store.getMessageRef(id);
    const state = previous?.state as EditedState | undefined;
    const receivedAt = notification.receivedAt.getTime();
    const retry = state?.notificationId === notification.id;
    if (state && !retry && receivedAt < state.receivedAt) return 'stale';
    const fresh = !previous || !state || (state.resolved && notification.status === 'firing' && !retry);
    let posted: PostedMessage;
    let outcome: EditOutcome;
    if (fresh) {
      posted = await editor.post();
      outcome = 'posted';
    } else {
      const where = { channelId: previous.channelId, messageId: previous.ts };
      const edited = await editor.edit(where);
      posted = edited === 'edited' ? where : await editor.post();
      outcome = edited === 'edited' ? 'edited' : 'posted anew';
    }
    const next: EditedState = { notificationId: notification.id, receivedAt, resolved: notification.status === 'resolved' };
    await store.putMessageRef({
      id,
      action,
      channel,
      groupKey: notification.groupKey,
      channelId: posted.channelId,
      ts: posted.messageId,
      state: { ...next },
      updatedAt: Date.now(),
    });
    return outcome;
  }

  return {
    /** Posts or edits the group's message, one notification of a group at a time. */
    deliver: (notification: EnrichedNotification, store: MessageRefStore | undefined, editor: MessageEditor): Promise<EditOutcome> =>
      exclusive(notification.groupKey, () => deliver(notification, store ?? localRefs, editor)),
  };
}
