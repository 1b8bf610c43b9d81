// Pruning after every finished notification (or dedup claim, or message reference) would cost a
// DELETE each; every 100 is plenty.
const PRUNE_EVERY = 100;

/**
 * When a durable store prunes what it no longer keeps: on every `PRUNE_EVERY`th write of one kind,
 * counted by the process that writes. The SQLite and PostgreSQL stores keep one per kind.
 */
export class PruneSchedule {
  private writesSincePrune = 0;

  /** Counts a write; true when this one should also prune. */
  due(): boolean {
    if (++this.writesSincePrune < PRUNE_EVERY) return false;
    this.writesSincePrune = 0;
    return true;
  }
}
