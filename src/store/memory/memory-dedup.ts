import type { DedupClaim, DedupStore } from '../ports/dedup.js';
import type { StoreLimits } from '../ports/delivery-store.js';

/** The memory store's dedup keys: which notification holds each, and until when. */
export class MemoryDedup implements DedupStore {
  private readonly holders = new Map<string, { owner: string; expires: number }>();

  constructor(private readonly limits: StoreLimits) {}

  async claimDedupKeys(notificationId: string, keys: readonly string[], now: number, windowMs: number): Promise<Set<string>> {
    return this.claimOne({ notificationId, keys, now, windowMs });
  }

  async claimDedupKeysBatch(claims: readonly DedupClaim[]): Promise<Set<string>[]> {
    return claims.map((claim) => this.claimOne(claim));
  }

  private claimOne({ notificationId, keys, now, windowMs }: DedupClaim): Set<string> {
    if (this.holders.size > 10 * this.limits.maxPending) {
      for (const [key, entry] of this.holders) if (entry.expires <= now) this.holders.delete(key);
    }
    const duplicates = new Set<string>();
    for (const key of keys) {
      const held = this.holders.get(key);
      if (held !== undefined && held.expires > now && held.owner !== notificationId) duplicates.add(key);
      else this.holders.set(key, { owner: notificationId, expires: now + windowMs });
    }
    return duplicates;
  }
}
