import { expect, it } from 'vitest';
import { type ContractStores } from './store-contract.js';

/** What every adapter does as destination rate limits: run on each by delivery-store.contract.ts. */
export function rateLimitsContract({ kind, open }: ContractStores): void {
  it('lets a burst through to a destination, then makes the next job wait for the rate', async () => {
    const store = await open();
    const slack = { key: `slack:${kind}`, perSecond: 1, burst: 3 };
    const now = Date.now();
    expect([await store.rateDelay(slack, 1, now), await store.rateDelay(slack, 1, now), await store.rateDelay(slack, 1, now)]).toEqual([
      0, 0, 0,
    ]);
    const wait = await store.rateDelay(slack, 1, now);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(1000);
    expect(await store.rateDelay({ ...slack, key: `slack:${kind}:other` }, 1, now)).toBe(0);
  });

  it('holds a destination back for as long as it asked, whatever its bucket holds', async () => {
    const store = await open();
    const pagerduty = { key: `pagerduty:${kind}`, perSecond: 100, burst: 100 };
    await store.holdDestination(pagerduty.key, 60_000, Date.now());
    expect(await store.rateDelay(pagerduty, 1, Date.now())).toBeGreaterThan(50_000);
  });
}
