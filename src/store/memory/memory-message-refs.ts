import type { MessageRef, MessageRefStore } from '../ports/message-refs.js';

// Groups whose message can still be edited; past it the oldest is forgotten (its group posts anew).
const MAX_MESSAGE_REFS = 10_000;

/** The memory store's message references, the least recently written forgotten first. */
export class MemoryMessageRefs implements MessageRefStore {
  private readonly refs = new Map<string, MessageRef>();

  async getMessageRef(id: string): Promise<MessageRef | undefined> {
    return this.refs.get(id);
  }

  async putMessageRef(ref: MessageRef): Promise<void> {
    // Re-inserted so that Map order is least recently written first, the one to forget first.
    this.refs.delete(ref.id);
    this.refs.set(ref.id, ref);
    for (const id of this.refs.keys()) {
      if (this.refs.size <= MAX_MESSAGE_REFS) break;
      this.refs.delete(id);
    }
  }
}
