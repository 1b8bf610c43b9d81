import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../../src/http/ingest/fingerprint.js';
import { ValidationError } from '../../../src/http/http-errors.js';
import { INPUT_LIMITS, type TruncatedField } from '../../../src/http/ingest/limit-alert-fields.js';
import { normalize } from '../../../src/http/ingest/normalize.js';
import { parseJsonBody } from '../../../src/http/parse-json.js';
import type { Notification } from '../../../src/model/model.js';
import { fixtureText } from '../../support/fixtures.js';

const now = new Date('2026-11-22T13:00:00Z');

/** Normalizes a fixture as the ingest path does, with the cuts it reported. */
function accept(file: string, at: Date = now): { notification: Notification; cuts: TruncatedField[]; sent: unknown } {
  const text = fixtureText(file);
  const cuts: TruncatedField[] = [];
  const notification = normalize(parseJsonBody(text), { now: at, onTruncated: (field) => cuts.push(field) });
  return { notification, cuts, sent: JSON.parse(text) };
}

type SentAlert = { labels: Record<string, string> };
const sentAlerts = (sent: unknown): SentAlert[] => (Array.isArray(sent) ? sent : (sent as { alerts: SentAlert[] }).alerts) as SentAlert[];

describe('payloads real senders emit are accepted, not refused', () => {
  it('issue 11 "a label value over 4 KiB": keeps the group, cuts the query label, fingerprints the label as sent', () => {
    const { notification, cuts, sent } = accept('alertmanager-long-query-label.json');
    const [long, short] = notification.alerts;
    expect(notification.alerts).toHaveLength(2);
    expect(long!.labels.query).toHaveLength(INPUT_LIMITS.labelValueLength);
    expect(long!.labels.query!.endsWith('…')).toBe(true);
    expect(long!.fingerprint).toBe(fingerprintOf(sentAlerts(sent)[0]!.labels));
    expect(long!.fingerprint).not.toBe(fingerprintOf(long!.labels));
    expect(long!.notes).toEqual([expect.stringMatching(/^label "query" cut from 4703 to 4096 characters/)]);
    expect(short!.notes).toBeUndefined();
    expect(cuts).toEqual(['label_value']);
  });

  it('issue 11 "129+ labels" (kube-state-metrics label_* copies): keeps the first 128 and says how many were left out', () => {
    const { notification, cuts, sent } = accept('prometheus-push-130-labels.json');
    const alert = notification.alerts[0]!;
    expect(Object.keys(alert.labels)).toHaveLength(128);
    expect(alert.labels.alertname).toBe('KubePodNotReady');
    expect(alert.fingerprint).toBe(fingerprintOf(sentAlerts(sent)[0]!.labels));
    expect(alert.notes).toEqual([expect.stringMatching(/^2 labels past the first 128 left out \("label_app_kubernetes_io_part_124"/)]);
    expect(cuts).toEqual(['labels']);
  });

  it('copies nothing for an alert within the limits: its labels and annotations are the parsed objects', () => {
    const body = { labels: { alertname: 'A' }, annotations: { summary: 's' } };
    const alert = normalize(body, { now }).alerts[0]!;
    expect(alert.labels).toBe(body.labels);
    expect(alert.annotations).toBe(body.annotations);
  });

  it('keeps alertname even when a sender lists it after 128 other labels', () => {
    const labels: Record<string, string> = {};
    for (let i = 0; i < 130; i++) labels[`l${i}`] = 'v';
    labels.alertname = 'Late';
    const alert = normalize({ labels }, { now }).alerts[0]!;
    expect(alert.labels.alertname).toBe('Late');
    expect(alert.fingerprint).toBe(fingerprintOf(labels));
  });

  it('issue 11 "a label named __proto__" (legal in Prometheus): kept as data, no prototype touched', () => {
    const { notification, sent } = accept('alertmanager-proto-constructor-labels.json');
    const alert = notification.alerts[0]!;
    expect(Object.keys(alert.labels)).toEqual(['__proto__', 'alertname', 'constructor', 'severity']);
    expect(Object.getOwnPropertyDescriptor(alert.labels, '__proto__')?.value).toBe('polluted');
    expect(Object.getPrototypeOf(alert.labels)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(alert.annotations, '__proto__')?.value).toBe('annotation');
    expect(Object.getOwnPropertyDescriptor(notification.commonLabels, '__proto__')?.value).toBe('polluted');
    expect(alert.fingerprint).toBe(fingerprintOf(sentAlerts(sent)[0]!.labels));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps a __proto__ label in the common labels it computes for a bare array', () => {
    const body = JSON.parse('[{"labels":{"__proto__":"x","alertname":"A"}},{"labels":{"__proto__":"x","alertname":"A","b":"1"}}]');
    const n = normalize(body, { now });
    expect(Object.keys(n.commonLabels)).toEqual(['__proto__', 'alertname']);
    expect(Object.getPrototypeOf(n.commonLabels)).toBe(Object.prototype);
  });

  it('issue 11 "an annotation over 64 KiB": cut to 64 KiB with a note', () => {
    const { notification, cuts } = accept('alertmanager-long-annotation.json');
    const alert = notification.alerts[0]!;
    expect(alert.annotations.description).toHaveLength(INPUT_LIMITS.annotationValueLength);
    expect(alert.annotations.summary).toBe('Rendered config differs from git.');
    expect(alert.notes).toEqual([expect.stringContaining('annotation "description" cut from')]);
    expect(cuts).toEqual(['annotation_value']);
  });

  it('issue 11 "a group of 10,001 alerts": every alert is kept; the body limit is the only bound', () => {
    const alerts = Array.from({ length: 10_001 }, (_, i) => ({ labels: { alertname: 'Flood', pod: `p-${i}` } }));
    const n = normalize({ alerts }, { now });
    expect(n.alerts).toHaveLength(10_001);
    expect(new Set(n.alerts.map((a) => a.fingerprint)).size).toBe(10_001);
  });

  it('issue 11 "annotations: null" and nil maps a Go sender writes: taken as empty', () => {
    const { notification } = accept('go-sender-null-maps.json');
    const alert = notification.alerts[0]!;
    expect(alert.annotations).toEqual({});
    expect(notification.groupLabels).toEqual({});
    expect(notification.commonLabels).toEqual({ alertname: 'DiskFull', instance: 'db-1:9100' });
    expect(notification.commonAnnotations).toEqual({});
    expect(alert.startsAt.toISOString()).toBe('2026-11-22T10:04:34.123Z');
  });

  it('Grafana alerting webhook: extra fields (orgId, values: null, silenceURL) are ignored, the alert kept', () => {
    const { notification } = accept('grafana-webhook-extra-fields.json');
    expect(notification.alerts[0]!.fingerprint).toBe('2c5e8f6cf7ae1d22');
    expect(notification.groupKey).toBe('{}/{alertname="CPU high"}:{alertname="CPU high", grafana_folder="Infra"}');
  });

  it('null for a status, fingerprint, generatorURL or time means absent, as Go writes a nil pointer', () => {
    const alert = normalize(
      { labels: { alertname: 'A' }, status: null, fingerprint: null, generatorURL: null, startsAt: null, endsAt: null },
      { now },
    ).alerts[0]!;
    expect(alert).toMatchObject({
      status: 'firing',
      fingerprint: fingerprintOf({ alertname: 'A' }),
      generatorURL: '',
      startsAt: now,
      endsAt: null,
    });
  });

  it('leaves out a generatorURL past 64 KiB (a cut URL leads nowhere) and replaces a fingerprint past 64 characters', () => {
    const cuts: TruncatedField[] = [];
    const alert = normalize(
      { labels: { alertname: 'A' }, generatorURL: `http://p/graph?g0.expr=${'x'.repeat(70_000)}`, fingerprint: 'f'.repeat(65) },
      { now, onTruncated: (f) => cuts.push(f) },
    ).alerts[0]!;
    expect(alert.generatorURL).toBe('');
    expect(alert.fingerprint).toBe(fingerprintOf({ alertname: 'A' }));
    expect(cuts.sort()).toEqual(['fingerprint', 'generator_url']);
    expect(alert.notes).toHaveLength(2);
  });

  it('leaves out a label whose name is empty or past 256 characters, naming it', () => {
    const alert = normalize({ labels: { alertname: 'A', '': 'x', ['n'.repeat(300)]: 'y' } }, { now }).alerts[0]!;
    expect(alert.labels).toEqual({ alertname: 'A' });
    expect(alert.notes).toHaveLength(2);
  });

  it('still refuses what is not an alert, with its path', () => {
    const issues = (body: unknown): string[] => {
      try {
        normalize(body, { now });
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return (error as ValidationError).issues.map((i) => i.path);
      }
      throw new Error('expected a ValidationError');
    };
    expect(issues({ labels: null })).toEqual(['labels']);
    expect(issues({ labels: { alertname: '' } })).toEqual(['labels']);
    expect(issues({ labels: { '': 'empty name' } })).toEqual(['labels']);
    expect(issues({ alerts: [{ labels: { alertname: 'A' } }, { labels: ['alertname'] }] })).toEqual(['alerts.1.labels']);
    expect(issues({ labels: { alertname: 'A', replicas: 3 } })).toEqual(['labels.replicas']);
    expect(issues({ labels: { alertname: 'A' }, annotations: { value: null } })).toEqual(['annotations.value']);
  });
});
