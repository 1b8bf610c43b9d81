import { describe, expect, it } from 'vitest';
import { decodeEnriched, decodeNotification, encodeEnriched, encodeNotification } from '../../../src/store/notification-codec.js';
import { normalize } from '../../../src/http/ingest/normalize.js';
import { parseJsonBody } from '../../../src/http/parse-json.js';
import { fixtureText } from '../../support/fixtures.js';

describe('the notification codec', () => {
  it('gives back the notification it encoded, dates as Dates to the millisecond', () => {
    const text = fixtureText('alertmanagerGroup');
    const notification = normalize(parseJsonBody(text), { now: new Date('2026-11-22T13:00:00Z'), id: 'n1', originalBody: text });
    const decoded = decodeNotification(encodeNotification(notification), text);
    expect(decoded).toEqual(notification);
    expect(decoded.alerts[0]!.startsAt).toBeInstanceOf(Date);
    expect(decoded.alerts[0]!.endsAt).toBeNull();
  });

  it('reads rows written with ISO dates by earlier versions', () => {
    const old = JSON.stringify({
      id: 'n1',
      receivedAt: '2026-11-22T13:00:00.000Z',
      alerts: [
        {
          fingerprint: 'f',
          status: 'resolved',
          labels: { a: 'b' },
          annotations: {},
          startsAt: '2026-11-22T12:04:34.053Z',
          endsAt: '2026-11-22T12:30:00.000Z',
          generatorURL: '',
        },
      ],
    });
    const decoded = decodeNotification(old, '{}');
    expect(decoded.receivedAt.getTime()).toBe(Date.parse('2026-11-22T13:00:00.000Z'));
    expect(decoded.alerts[0]!.startsAt.toISOString()).toBe('2026-11-22T12:04:34.053Z');
    expect(decoded.alerts[0]!.endsAt?.toISOString()).toBe('2026-11-22T12:30:00.000Z');
  });

  it('leaves the request as received out of the encoded text: it is stored once, apart', () => {
    const text = fixtureText('alertmanagerGroup');
    const notification = normalize(parseJsonBody(text), { id: 'n1', originalBody: text });
    expect(encodeNotification(notification)).not.toContain('originalBody');
  });

  it('writes an enriched notification only when enrichment added something', () => {
    const text = fixtureText('alertmanagerGroup');
    const notification = normalize(parseJsonBody(text), { id: 'n1', originalBody: text });
    const nothing = { ...notification, alerts: notification.alerts.map((a) => ({ ...a, enrichment: {}, notes: [] })) };
    expect(encodeEnriched(nothing)).toBeUndefined();
    expect(decodeEnriched(encodeNotification(notification), text)).toEqual(nothing);
    const something = { ...nothing, alerts: nothing.alerts.map((a, i) => (i === 1 ? { ...a, notes: ['pods: no metrics'] } : a)) };
    expect(decodeEnriched(encodeEnriched(something)!, text)).toEqual(something);
  });
});
