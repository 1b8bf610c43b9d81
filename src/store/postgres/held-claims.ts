/**
 * Planning is bounded by the enrichers' timeouts and an attempt by its action's; a claim held
 * longer was dropped on the way (a plan that failed before it could be saved) and must expire,
 * or its replica would renew it for as long as it lives.
 */
const MAX_HOLD_MS = 5 * 60_000;

/**
 * What one replica claimed and is still working on, and since when: the leases it renews. Only
 * these: a claim it gave up on must run out, so that another replica (or this one) takes it again.
 */
export class HeldClaims {
  private readonly since = new Map<string, number>();

  hold(ids: Iterable<string>): void {
    const now = Date.now();
    for (const id of ids) this.since.set(id, now);
  }

  settle(id: string): void {
    this.since.delete(id);
  }

  /** The claims to renew now; those held past any plausible work are dropped. */
  current(): string[] {
    const oldest = Date.now() - MAX_HOLD_MS;
    for (const [id, since] of this.since) if (since < oldest) this.since.delete(id);
    return [...this.since.keys()];
  }
}
