import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../../src/integrations/chat/build-message.js';
import { resetIn } from '../../../../src/integrations/rocketchat/rocketchat-client.js';
import { checkRocketMessage, ROCKETCHAT_LIMITS, rocketMessage } from '../../../../src/integrations/rocketchat/rocketchat-message.js';
import { plainRocketText } from '../../../../src/integrations/rocketchat/rocketchat-text.js';
import { badAttachments } from '../../../support/fake-rocketchat.js';
import { hugeChatGroup as hugeGroup } from '../../../support/huge-chat-group.js';

describe('rocketchat message', () => {
  it('keeps a huge group within its own check and the server’s, cutting and folding', () => {
    const body = rocketMessage(buildMessage(hugeGroup(), { maxAlerts: 15 }));
    expect(checkRocketMessage(body)).toEqual([]);
    expect(badAttachments(body.attachments)).toBeUndefined();
    expect(body.text.length).toBeLessThanOrEqual(ROCKETCHAT_LIMITS.text);
    expect(body.attachments).toHaveLength(16);
    expect(body.attachments[0]!.text).toContain('…and 292 more alerts');
  });

  it('breaks mentions, room links and link markup in what alerts carry', () => {
    expect(plainRocketText('@all #room [a](b) <u|t>')).toBe('@\u2060all #\u2060room [a]\u2060(b) <\u2060u|t>');
  });

  it('reads X-RateLimit-Reset as epoch milliseconds, epoch seconds or seconds to wait', () => {
    const now = 1_800_000_000_000;
    expect(resetIn(String(now + 4_000), now)).toBe(4_000);
    expect(resetIn(String(now / 1000 + 5), now)).toBe(5_000);
    expect(resetIn('6', now)).toBe(6_000);
    expect(resetIn(undefined, now)).toBeUndefined();
  });
});
