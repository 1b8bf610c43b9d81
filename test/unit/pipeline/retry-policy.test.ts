import { describe, expect, it } from 'vitest';
import { ActionError } from '../../../src/integrations/action-error.js';
import { decideRetry, type RetryPolicy } from '../../../src/pipeline/retry-policy.js';

const policy: RetryPolicy = { initialBackoffMs: 1000, maxBackoffMs: 60_000, maxAgeMs: 3_600_000, random: () => 1 };
const now = 1_000_000;

describe('decideRetry', () => {
  it('retries a 5xx with exponential backoff', () => {
    const error = ActionError.fromHttpStatus('Slack', 503, '');
    expect(decideRetry(error, 1, now, now, policy)).toEqual({ retry: true, at: now + 1000 });
    expect(decideRetry(error, 3, now, now, policy)).toEqual({ retry: true, at: now + 4000 });
    expect(decideRetry(error, 20, now, now, policy)).toEqual({ retry: true, at: now + 60_000 });
  });

  it('jitters the delay between half and all of the backoff', () => {
    const error = ActionError.network('Slack', new Error('ECONNRESET'));
    expect(decideRetry(error, 3, now, now, { ...policy, random: () => 0 })).toEqual({ retry: true, at: now + 2000 });
  });

  it('waits at least as long as Retry-After says', () => {
    const error = ActionError.fromHttpStatus('Slack', 429, 'rate_limited', 30_000);
    expect(decideRetry(error, 1, now, now, policy)).toEqual({ retry: true, at: now + 30_000 });
  });

  it('gives up at once on a 4xx that retrying cannot fix', () => {
    expect(decideRetry(ActionError.fromHttpStatus('Slack', 400, 'invalid_blocks'), 1, now, now, policy)).toEqual({
      retry: false,
      reason: 'not retryable',
    });
  });

  it('gives up when the next attempt would fall past the maximum age', () => {
    const error = ActionError.fromHttpStatus('Slack', 500, '');
    expect(decideRetry(error, 5, now - 3_599_000, now, policy)).toEqual({ retry: false, reason: 'too old' });
  });

  it('retries errors that are not ActionErrors, since their cause is unknown', () => {
    expect(decideRetry(new Error('socket hang up'), 1, now, now, policy).retry).toBe(true);
  });
});
