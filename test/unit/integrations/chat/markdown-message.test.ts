import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../../src/integrations/chat/build-message.js';
import { cutToBytes, escapeCommonMark, markdownMessage } from '../../../../src/integrations/chat/markdown-message.js';
import { enrichedGroup } from '../../../support/chat-platforms.js';

describe('markdown message', () => {
  it('cuts to a byte limit without splitting a character, and says it cut', () => {
    expect(cutToBytes('ab€€', 7)).toBe('ab…');
    expect(Buffer.byteLength(cutToBytes('€'.repeat(100), 50))).toBeLessThanOrEqual(50);
    expect(cutToBytes('short', 50)).toBe('short');
  });

  it('escapes what starts a list or a heading at the start of any line of a description, not inside a line', () => {
    const n = enrichedGroup();
    const alerts = [{ ...n.alerts[0]!, annotations: { description: '- not a list\n1. nor this\n# nor a heading\nvalue 0.5 - fine' } }];
    const text = markdownMessage(buildMessage({ ...n, alerts }, { maxAlerts: 10 }), { maxBytes: 10_000, escape: escapeCommonMark });
    expect(text).toContain('\\- not a list\n1\\. nor this\n\\# nor a heading\nvalue 0.5 - fine');
  });

  it('keeps every size of group within the limit it is given', () => {
    const n = enrichedGroup();
    for (const limit of [600, 2_000, 7_439]) {
      const alerts = Array.from({ length: 40 }, (_, i) => ({
        ...n.alerts[0]!,
        fingerprint: String(i),
        annotations: { description: 'ü'.repeat(900) },
      }));
      const text = markdownMessage(buildMessage({ ...n, alerts }, { maxAlerts: 15 }), { maxBytes: limit, escape: escapeCommonMark });
      expect(Buffer.byteLength(text), String(limit)).toBeLessThanOrEqual(limit);
      expect(text.startsWith('**🔥 FIRING: KubePodCrashLooping (40)**')).toBe(true);
    }
  });
});
