import type { FirstPostClaimOutcome, FirstPostClaimStore } from '../ports/first-post-claims.js';

/** The memory store's first-post claims: one process, so a map of holders and their lease ends. */
export class MemoryFirstPostClaims implements FirstPostClaimStore {
  private readonly claims = new Map<string, { readonly holder: string; readonly until: number }>();

  async claimFirstPost(id: string, holder: string, leaseMs: number): Promise<FirstPostClaimOutcome> {
    const now = Date.now();
    const current = this.claims.get(id);
    if (current !== undefined && current.until > now) return 'held';
    this.claims.set(id, { holder, until: now + leaseMs });
    return current === undefined ? 'won' : 'taken over';
  }

  async releaseFirstPost(id: string, holder: string): Promise<void> {
    if (this.claims.get(id)?.holder === holder) this.claims.delete(id);
  }
}
