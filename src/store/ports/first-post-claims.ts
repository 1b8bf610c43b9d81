/**
 * Who may post the first message of a group's episode for one (action, channel, group), when
 * several deliveries of the group run at once, on one replica or on several sharing a store: the
 * one that takes the claim. The others wait until it is given up (the winner recorded its message
 * reference, or failed) and then read the reference again, finding the message to edit or follow.
 * A claim holds for a lease only: a winner that never gives it up (its process was killed) loses
 * it once the lease ran out, and the next caller takes it over.
 *
 * Keyed by the message reference's id (`messageRefId`), not by an episode: a caller that takes the
 * claim reads the reference again before it posts, so whether a new episode starts is decided
 * under the claim, from what the previous holder recorded.
 */
export type FirstPostClaimOutcome =
  /** Nobody held the claim: the caller has it. */
  | 'won'
  /** Another holder's lease had run out (it went away without giving the claim up): the caller has it now. */
  | 'taken over'
  /** Another holder has it, within its lease: the caller waits and asks again. */
  | 'held';

export interface FirstPostClaimStore {
  /**
   * Takes the claim `id` for `holder` for `leaseMs`, unless another holder has it within its lease.
   * Atomic across every caller of the same store, replicas included.
   */
  claimFirstPost(id: string, holder: string, leaseMs: number): Promise<FirstPostClaimOutcome>;
  /** Gives the claim up; nothing when `holder` no longer has it (its lease ran out and it was taken over). */
  releaseFirstPost(id: string, holder: string): Promise<void>;
}
