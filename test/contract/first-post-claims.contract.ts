import { expect, it } from 'vitest';
import { messageRefId } from '../../src/store/ports/message-refs.js';
import type { ContractStores } from './store-contract.js';

const GROUP = messageRefId('oncall', '#alerts', '{}:{alertname="KubePodCrashLooping"}');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What every adapter does with first-post claims: run on each by delivery-store.contract.ts. */
export function firstPostClaimsContract({ open, sibling }: ContractStores): void {
  it('gives a claim to one holder at a time, and to the next once it is given up', async () => {
    const store = await open();
    expect(await store.claimFirstPost(GROUP, 'a', 60_000)).toBe('won');
    expect(await store.claimFirstPost(GROUP, 'b', 60_000)).toBe('held');
    // Another group's claim is its own.
    expect(await store.claimFirstPost(messageRefId('oncall', '#alerts', 'other'), 'b', 60_000)).toBe('won');
    // Giving up a claim one does not hold changes nothing.
    await store.releaseFirstPost(GROUP, 'b');
    expect(await store.claimFirstPost(GROUP, 'c', 60_000)).toBe('held');
    await store.releaseFirstPost(GROUP, 'a');
    expect(await store.claimFirstPost(GROUP, 'b', 60_000)).toBe('won');
  });

  it('lets exactly one of many callers asking at once take the claim', async () => {
    const store = await open();
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => store.claimFirstPost(GROUP, `h${i}`, 60_000)));
    expect(outcomes.filter((o) => o === 'won')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'held')).toHaveLength(11);
  });

  it('lets the next caller take over a claim whose lease ran out, and not its old holder give it up', async () => {
    const store = await open();
    expect(await store.claimFirstPost(GROUP, 'gone', 150)).toBe('won');
    expect(await store.claimFirstPost(GROUP, 'waiter', 150)).toBe('held');
    await sleep(400);
    expect(await store.claimFirstPost(GROUP, 'waiter', 60_000)).toBe('taken over');
    // The holder that went away comes back late: the claim is no longer its to give up.
    await store.releaseFirstPost(GROUP, 'gone');
    expect(await store.claimFirstPost(GROUP, 'third', 60_000)).toBe('held');
    await store.releaseFirstPost(GROUP, 'waiter');
    expect(await store.claimFirstPost(GROUP, 'third', 60_000)).toBe('won');
  });

  if (sibling !== undefined)
    it('gives a claim to one replica of those sharing the storage, asking at once', async () => {
      const first = await open();
      const second = await sibling(first);
      const third = await sibling(first);
      const outcomes = await Promise.all(
        [first, second, third].flatMap((store, r) => [0, 1, 2].map((i) => store.claimFirstPost(GROUP, `r${r}-${i}`, 60_000))),
      );
      expect(outcomes.filter((o) => o === 'won')).toHaveLength(1);
      await Promise.all([first, second, third].flatMap((store, r) => [0, 1, 2].map((i) => store.releaseFirstPost(GROUP, `r${r}-${i}`))));
      expect(await third.claimFirstPost(GROUP, 'next', 60_000)).toBe('won');
    });
}
