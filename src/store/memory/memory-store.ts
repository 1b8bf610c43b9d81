import type { StoreLimits } from '../ports/delivery-store.js';
import { ComposedStore, inProcessRateLimits } from '../composed-store.js';
import { MemoryDedup } from './memory-dedup.js';
import { MemoryFirstPostClaims } from './memory-first-post-claims.js';
import { MemoryEscalationTimers } from './memory-escalation-timers.js';
import { MemoryHistory } from './memory-history.js';
import { MemoryIncidents } from './memory-incidents.js';
import { MemoryMessageRefs } from './memory-message-refs.js';
import { MemoryQueue } from './memory-queue.js';
import type { MemoryTables } from './memory-tables.js';

/**
 * The in-memory queue: fast and simple, and gone on restart. For tests and for users who accept
 * that (`delivery.queue: memory`). The ports are kept by parts: the queue (memory-queue.ts) and
 * the history (memory-history.ts) over the tables they share (memory-tables.ts), dedup keys
 * (memory-dedup.ts), message references (memory-message-refs.ts), first-post claims
 * (memory-first-post-claims.ts), and episodes (memory-incidents.ts) with their escalation timers
 * (memory-escalation-timers.ts).
 */
export class MemoryStore extends ComposedStore {
  constructor(limits: StoreLimits) {
    const tables: MemoryTables = { entries: new Map(), jobs: new Map() };
    const queue = new MemoryQueue(tables, limits);
    const incidents = new MemoryIncidents();
    super({
      queue,
      history: new MemoryHistory(tables),
      dedup: new MemoryDedup(limits),
      rateLimits: inProcessRateLimits(),
      messageRefs: new MemoryMessageRefs(),
      firstPostClaims: new MemoryFirstPostClaims(),
      incidents,
      escalationTimers: new MemoryEscalationTimers(incidents, queue),
    });
  }

  async probeWrite(): Promise<void> {}

  async close(): Promise<void> {}
}
