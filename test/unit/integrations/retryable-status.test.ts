import { describe, expect, it } from 'vitest';
import { ActionError, isRetryableStatus } from '../../../src/integrations/action-error.js';

describe('which HTTP statuses are worth retrying', () => {
  it('retries 5xx, 429 and 408, and no other 4xx', () => {
    const statuses = [400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 504];
    expect(statuses.filter(isRetryableStatus)).toEqual([408, 429, 500, 502, 503, 504]);
    expect(statuses.filter((status) => ActionError.fromHttpStatus('Slack', status, '').retryable)).toEqual(
      statuses.filter(isRetryableStatus),
    );
  });
});
