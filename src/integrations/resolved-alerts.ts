// Enough for every alert of a large outage; the oldest are forgotten first.
const RESOLVED_KEPT = 10_000;

/**
 * When an action last acted on each alert's resolution (its endsAt), so that the same firing
 * (same startsAt or older) arriving afterwards, from a notification whose delivery was waiting for
 * a retry, is recognised as stale: acting on it would page or scale for an alert that has ended,
 * and nothing would undo it. In memory: after a restart it starts empty.
 */
export class ResolvedAlerts {
  private readonly endedAt = new Map<string, number>();

  remember(key: string, endsAt: Date): void {
    this.endedAt.delete(key);
    this.endedAt.set(key, endsAt.getTime());
    if (this.endedAt.size > RESOLVED_KEPT) this.endedAt.delete(this.endedAt.keys().next().value as string);
  }

  endedSince(key: string, startsAt: Date): boolean {
    const ended = this.endedAt.get(key);
    return ended !== undefined && startsAt.getTime() <= ended;
  }
}
