import { describe, expect, it } from 'vitest';
import { applyOncePerEpisode } from '../../../../src/integrations/chat/first-post.js';
import { MemoryFirstPostClaims } from '../../../../src/store/memory/memory-first-post-claims.js';

// Three deliveries of one new group at once, each as a separate replica would run it (no shared
// in-process order): one posts, the others find its message and edit it.
describe('applyOncePerEpisode', () => {
  it('lets one of several deliveries at once post the first message; the others edit it', async () => {
    const claims = new MemoryFirstPostClaims();
    let kept: string | undefined;
    let posts = 0;
    let edits = 0;
    const deliver = () =>
      applyOncePerEpisode(
        { claims, id: 'g', timeoutMs: 1_000, signal: AbortSignal.timeout(5_000) },
        async () => kept,
        (current) => current === undefined,
        async (current) => {
          await new Promise((resolve) => setTimeout(resolve, 30));
          if (current === undefined) {
            posts += 1;
            kept = `message-${posts}`;
          } else edits += 1;
        },
      );
    await Promise.all([deliver(), deliver(), deliver()]);
    expect(posts).toBe(1);
    expect(edits).toBe(2);
  });

  it('fails retryable when its attempt ends while another holds the claim', async () => {
    const claims = new MemoryFirstPostClaims();
    await claims.claimFirstPost('g', 'other', 60_000);
    const waiting = applyOncePerEpisode(
      { claims, id: 'g', timeoutMs: 1_000, signal: AbortSignal.timeout(200) },
      async () => undefined,
      () => true,
      async () => 'posted',
    );
    await expect(waiting).rejects.toMatchObject({ name: 'ActionError', retryable: true });
  });
});
