import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../observability/logger.js';
import type { FirstPostClaimStore } from '../../store/ports/first-post-claims.js';
import { ActionError } from '../action-error.js';

/** Where and how long a delivery may hold the claim to post a group's first message. */
export interface FirstPostClaim {
  /** The delivery store's claims; absent without a store, where the action's own order per group suffices. */
  readonly claims: FirstPostClaimStore | undefined;
  /** The group's message reference id (`messageRefId(action, channel, groupKey)`). */
  readonly id: string;
  /** The action's timeout: the claim's lease outlasts any attempt, so a live holder never loses it. */
  readonly timeoutMs: number;
  /** The attempt's: waiting for another holder ends with it. */
  readonly signal: AbortSignal;
  readonly logger?: Logger | undefined;
}

// Polls of a claim another holder has: soon at first (a post takes a few hundred ms), then calmer.
const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 400;

/** Twice the attempt's timeout and some: a holder's post and its reference's write fit in it. */
export function firstPostLeaseMs(timeoutMs: number): number {
  return 2 * timeoutMs + 5_000;
}

/**
 * Applies a notification to the group's message, once per group episode across every delivery
 * running at once, on this replica or another sharing the store. `read` gets what the store keeps
 * (the message reference); when `posts` says it would post a first message, the delivery first
 * takes the store's first-post claim, waiting while another holds it, then reads again and applies
 * what it finds now: the message the previous holder recorded is edited or followed, not posted
 * twice. A holder that went away leaves the claim to its lease; the next waiter then takes it
 * over. A waiter whose attempt ends first fails retryable and, retried, finds the message.
 */
export async function applyOncePerEpisode<R, T>(
  claim: FirstPostClaim,
  read: () => Promise<R>,
  posts: (current: R) => boolean,
  apply: (current: R) => Promise<T>,
): Promise<T> {
  const current = await read();
  if (claim.claims === undefined || !posts(current)) return apply(current);
  const { claims, id, signal } = claim;
  const holder = randomUUID();
  let pollMs = FIRST_POLL_MS;
  for (;;) {
    const outcome = await claims.claimFirstPost(id, holder, firstPostLeaseMs(claim.timeoutMs));
    if (outcome !== 'held') {
      if (outcome === 'taken over')
        claim.logger?.warn('first-post claim taken over from a delivery that did not give it up', { claim: id });
      break;
    }
    try {
      await sleep(pollMs, undefined, { signal });
    } catch {
      throw new ActionError("another delivery is posting this group's first message; this one is retried to edit or follow it", {
        retryable: true,
      });
    }
    pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
  }
  try {
    return await apply(await read());
  } finally {
    // Not given up (the store failed): the lease frees it, and waiters meanwhile end with their attempts.
    await claims.releaseFirstPost(id, holder).catch((error: unknown) => {
      claim.logger?.warn('first-post claim not given up; it is free once its lease runs out', {
        claim: id,
        error: error instanceof Error ? error.message : String(error),
      });
    });
  }
}
