import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../../src/integrations/chat/build-message.js';
import { SMALL_HTML, textBody } from '../../../../src/integrations/chat/text-body.js';
import { checkNtfyMessage, headerValue, ntfyMessage } from '../../../../src/integrations/ntfy/ntfy-publish.js';
import { checkPushoverMessage, pushoverText } from '../../../../src/integrations/pushover/pushover-message.js';
import { asciiSubject } from '../../../../src/integrations/sns/sns-publish.js';
import type { EnrichedNotification } from '../../../../src/model/model.js';
import { enrichedGroup } from '../../../support/chat-platforms.js';
import { check as pushoverStandInCheck } from '../../../support/fake-pushover.js';

/** 300 alerts with long, multi-byte descriptions, many fields and notes: more than any text platform takes. */
function hugeGroup(): EnrichedNotification {
  const n = enrichedGroup();
  const fields = Array.from({ length: 40 }, (_, i) => ({ label: `Field ${i}`, value: 'v'.repeat(1500) }));
  const alerts = Array.from({ length: 300 }, (_, i) => ({
    ...n.alerts[0]!,
    fingerprint: String(i),
    labels: { ...n.alerts[0]!.labels, pod: `p-${i}` },
    annotations: { summary: '🔥'.repeat(2000), description: '<b>d</b>&'.repeat(800) },
    enrichment: { big: { fields } },
    notes: ['n'.repeat(3000)],
  }));
  return { ...n, alerts, truncatedAlerts: 7 };
}

describe('text platforms keep to their limits whatever the group', () => {
  const message = buildMessage(hugeGroup(), { maxAlerts: 15 });

  it('Pushover, plain and HTML: 1,024 characters, and what the stand-in takes', () => {
    for (const html of [false, true]) {
      const text = pushoverText(message, { html });
      const form = { token: 't', user: 'u', priority: '0', ...text };
      expect(checkPushoverMessage(form)).toEqual([]);
      expect([...text.message].length).toBeLessThanOrEqual(1024);
      expect(text.message.endsWith('…') || /…and \d+ more alerts/.test(text.message)).toBe(true);
    }
  });

  it('ntfy: 4,096 bytes of UTF-8, at most three buttons, a priority ntfy takes', () => {
    const body = ntfyMessage(hugeGroup(), message, { topic: 'alerts', severityLabel: 'severity', tags: [] });
    expect(checkNtfyMessage(body)).toEqual([]);
    expect(Buffer.byteLength(body.message)).toBeLessThanOrEqual(4096);
  });

  it('cuts by bytes without splitting a character', () => {
    const body = textBody(message, { limit: 1600, measure: (t) => Buffer.byteLength(t) });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(1600);
    expect(body).not.toContain('\uFFFD');
    expect(Buffer.from(body, 'utf8').toString('utf8')).toBe(body);
  });
});

describe('what an alert writes stays text', () => {
  it('is escaped in Pushover HTML, and a cut leaves no tag half written', () => {
    const n = enrichedGroup();
    const alert = { ...n.alerts[0]!, annotations: { summary: '<a href="https://evil.example">click</a> & <font color=red>' } };
    const body = textBody(buildMessage({ ...n, alerts: [alert] }, { maxAlerts: 10 }), { limit: 1024, markup: SMALL_HTML });
    expect(body).toContain('&lt;a href=&quot;https://evil.example&quot;&gt;click&lt;/a&gt; &amp; &lt;font color=red&gt;');
    expect(body).not.toContain('<a href="https://evil');
    const cut = textBody(buildMessage(hugeGroup(), { maxAlerts: 15 }), { limit: 300, markup: SMALL_HTML });
    expect(cut).not.toMatch(/<[^>]*…$|&[a-z]*…$/);
  });

  it('an SNS subject is printable ASCII, an ntfy header is ASCII that ntfy decodes', () => {
    expect(asciiSubject('🔥 FIRING: Disk\nfull')).toBe('FIRING: Disk full');
    expect(asciiSubject('x'.repeat(300))).toHaveLength(100);
    expect(headerValue('plain title')).toBe('plain title');
    const encoded = headerValue('🔥 FIRING\nline two');
    expect(encoded).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
    expect(Buffer.from(encoded.slice(10, -2), 'base64').toString('utf8')).toBe('🔥 FIRING\nline two');
  });

  it('the Pushover stand-in refuses what Pushover documents it refuses', () => {
    const ok = { user: 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG', message: 'm', priority: '2', retry: '30', expire: '3600' };
    expect(pushoverStandInCheck(ok)).toBeUndefined();
    expect(pushoverStandInCheck({ ...ok, retry: '29' })?.[0]).toBe('retry');
    expect(pushoverStandInCheck({ ...ok, expire: '10801' })?.[0]).toBe('expire');
    expect(pushoverStandInCheck({ ...ok, message: 'x'.repeat(1025) })?.[0]).toBe('message');
  });
});
