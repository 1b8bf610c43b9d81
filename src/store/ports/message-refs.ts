import { createHash } from 'node:crypto';

/**
 * Where a chat action finds a message it posted earlier, so that it edits it instead of posting
 * again: (action, channel, group) → (channel ID, ts), kept in the delivery store so that an update
 * after a restart (or on another replica) still finds the message. Delivery implements it; actions
 * receive it through their context.
 */
export interface MessageRef {
  /** `messageRefId(action, channel, groupKey)`: short enough for a button's value. */
  readonly id: string;
  readonly action: string;
  /** The channel as configured (a name or an ID). */
  readonly channel: string;
  readonly groupKey: string;
  /** The channel's ID as the platform answered it, and the message's `ts`. */
  readonly channelId: string;
  readonly ts: string;
  /** What the action needs to render the message again (JSON; opaque to the store). */
  readonly state: Readonly<Record<string, unknown>>;
  readonly updatedAt: number;
}

/** How long a reference is kept after its last update: past it, a group's next episode posts anew. */
export const MESSAGE_REF_MAX_AGE_MS = 30 * 24 * 3_600_000;

export interface MessageRefStore {
  getMessageRef(id: string): Promise<MessageRef | undefined>;
  /** Inserts or replaces the reference with this `id`. */
  putMessageRef(ref: MessageRef): Promise<void>;
}

/** A stable 32-hex id for (action, channel, group): the same after a restart and on every replica. */
export function messageRefId(action: string, channel: string, groupKey: string): string {
  return createHash('sha256').update(`${action}\u0000${channel}\u0000${groupKey}`).digest('hex').slice(0, 32);
}
