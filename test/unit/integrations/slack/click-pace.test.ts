import { describe, expect, it } from 'vitest';
import { alertWith, enriched, notificationOf } from '../../../support/alerts.js';
import { clickHarness } from '../../../support/slack-click-harness.js';

describe("a click and its channel's rate limit", () => {
  it('waits for the pace of the channel before editing the message, as a delivery does', async () => {
    const notification = enriched(notificationOf([alertWith({ alertname: 'DiskFull', instance: 'db1' })]));
    // The bucket is empty for 20 ms, then has a token.
    const waits = [20, 0];
    const harness = clickHarness(notification, { pace: async () => waits.shift() ?? 0 });
    await harness.click('acknowledge');
    expect(harness.outcomes).toEqual(['done']);
    expect(harness.log).toEqual(['pace oncall: 20', 'pace oncall: 0', 'update', 'reply']);
  });
});
