import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../src/store/rate-limiter.js';

const slack = { key: 'slack:a', perSecond: 1, burst: 3 };

describe('RateLimiter', () => {
  it('lets a burst through, then spaces calls by the rate', () => {
    const limiter = new RateLimiter();
    expect([0, 1, 2].map(() => limiter.delayFor(slack, 0))).toEqual([0, 0, 0]);
    expect(limiter.delayFor(slack, 0)).toBe(1000);
    expect(limiter.delayFor(slack, 500)).toBe(500);
    expect(limiter.delayFor(slack, 1000)).toBe(0);
  });

  it('keeps a bucket per key', () => {
    const limiter = new RateLimiter();
    for (let i = 0; i < 3; i++) limiter.delayFor(slack, 0);
    expect(limiter.delayFor({ ...slack, key: 'slack:b' }, 0)).toBe(0);
  });

  it('charges a job its cost, capped at the burst so a large group waits for a full bucket', () => {
    const limiter = new RateLimiter();
    const pagerduty = { key: 'pd:k', perSecond: 2, burst: 10, per: 'alert' as const };
    expect(limiter.delayFor(pagerduty, 0, 4)).toBe(0);
    // 6 tokens left: a group of 100 costs the burst (10) and waits for the 4 missing at 2 a second.
    expect(limiter.delayFor(pagerduty, 0, 100)).toBe(2000);
    expect(limiter.delayFor(pagerduty, 2000, 100)).toBe(0);
    expect(limiter.delayFor(pagerduty, 2000, 1)).toBe(500);
  });

  it('charges a per-notification limit one token, whatever the number of alerts', () => {
    const limiter = new RateLimiter();
    expect([0, 1, 2].map(() => limiter.delayFor(slack, 0, 50))).toEqual([0, 0, 0]);
    expect(limiter.delayFor(slack, 0, 50)).toBe(1000);
  });

  it('never limits an action without a limit', () => {
    expect(new RateLimiter().delayFor(undefined, 0, 50)).toBe(0);
  });
});
