import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../../../src/http/ingest/fingerprint.js';
import { ValidationError } from '../../../../src/http/http-errors.js';
import { normalize } from '../../../../src/http/ingest/normalize.js';
import { parseJsonBody } from '../../../../src/http/parse-json.js';
import { fixtureText } from '../../../support/fixtures.js';

const now = new Date('2026-11-22T13:00:00Z');
const fromFixture = (name: Parameters<typeof fixtureText>[0]) => normalize(parseJsonBody(fixtureText(name)), { now, id: 'n1' });
const fromFile = (file: string) => normalize(parseJsonBody(fixtureText(file)), { now, id: 'n1' });

function validationIssues(body: unknown): { path: string; message: string }[] {
  try {
    normalize(body, { now });
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return [...(error as ValidationError).issues];
  }
  throw new Error('expected a ValidationError');
}

describe('normalize', () => {
  it('keeps an Alertmanager v4 group as sent, fingerprints included', () => {
    const n = fromFixture('alertmanagerGroup');
    expect(n.shape).toBe('alertmanager');
    expect(n.receiver).toBe('pipe');
    expect(n.groupKey).toBe('{}:{alertname="KubePodCrashLooping", namespace="shop"}');
    expect(n.externalURL).toBe('http://alertmanager:9093');
    expect(n.alerts.map((a) => a.fingerprint)).toEqual(['5fab0dffa4d7754b', '771f81db41980164']);
    expect(n.alerts[0]!.startsAt.toISOString()).toBe('2026-11-22T12:04:34.053Z');
    expect(n.alerts[0]!.endsAt).toBeNull();
    expect(n.commonLabels).toEqual({ alertname: 'KubePodCrashLooping', namespace: 'shop', severity: 'critical' });
  });

  it('keeps every digit of a v3 numeric groupKey larger than 2^53', () => {
    const n = fromFixture('v3NumericGroupKey');
    expect(n.groupKey).toBe('11840296893788715932');
    expect(n.alerts).toHaveLength(2);
  });

  it('computes Alertmanager fingerprints for the am-executor payload, whose fingerprints are empty', () => {
    const n = fromFixture('amExecutorPayload');
    for (const alert of n.alerts) expect(alert.fingerprint).toBe(fingerprintOf(alert.labels));
    expect(new Set(n.alerts.map((a) => a.fingerprint)).size).toBe(2);
    expect(n.groupKey).toBe('{}:{alertname="InstanceDown"}');
    expect(n.alerts[0]!.startsAt.toISOString()).toBe('2016-04-07T16:08:52.000Z');
  });

  it('takes a bare single alert, as sent with curl', () => {
    const n = fromFixture('singleAlert');
    expect(n.shape).toBe('single-alert');
    expect(n.alerts).toHaveLength(1);
    expect(n.groupLabels).toEqual({ alertname: 'KubePodCrashLooping' });
    expect(n.status).toBe('firing');
  });

  it('decides the status of a Prometheus push from endsAt: future is firing, past is resolved', () => {
    const body = JSON.parse(fixtureText('prometheusPush')) as object[];
    const firing = normalize(body, { now: new Date('2026-11-20T09:15:00Z') });
    expect(firing.shape).toBe('alert-array');
    expect(firing.alerts[0]!.status).toBe('firing');
    const resolved = normalize(body, { now: new Date('2026-11-20T09:20:00Z') });
    expect(resolved.alerts[0]!.status).toBe('resolved');
    expect(resolved.status).toBe('resolved');
  });

  it("acts on each alert's own status inside a firing group", () => {
    const n = normalize(
      {
        status: 'firing',
        alerts: [
          { status: 'firing', labels: { alertname: 'A', pod: 'p1' } },
          { status: 'resolved', labels: { alertname: 'A', pod: 'p2' }, endsAt: '2026-11-22T12:00:00Z' },
        ],
      },
      { now },
    );
    expect(n.alerts.map((a) => a.status)).toEqual(['firing', 'resolved']);
    expect(n.status).toBe('firing');
  });

  it('computes common labels when the sender left them out', () => {
    const n = normalize([{ labels: { alertname: 'A', x: '1', y: '1' } }, { labels: { alertname: 'A', x: '1', y: '2' } }], { now });
    expect(n.commonLabels).toEqual({ alertname: 'A', x: '1' });
  });

  it('gives a missing startsAt the time of receipt', () => {
    expect(normalize({ labels: { alertname: 'A' } }, { now }).alerts[0]!.startsAt).toEqual(now);
  });

  it('reports the path of every problem', () => {
    const issues = validationIssues({
      alerts: [
        { labels: { alertname: 'A' }, startsAt: 'yesterday' },
        { labels: {}, status: 'burning' },
      ],
    });
    expect(issues.map((i) => i.path)).toEqual(['alerts.0.startsAt', 'alerts.1.status', 'alerts.1.labels']);
    expect(issues[0]!.message).toContain('RFC 3339');
  });

  it('refuses bodies that are no alert at all', () => {
    expect(validationIssues(null)[0]!.message).toContain('null');
    expect(validationIssues('text')[0]!.message).toContain('string');
    expect(validationIssues([])[0]!.message).toContain('at least one alert');
    expect(validationIssues({ alerts: [] })[0]!.path).toBe('alerts');
  });

  it('refuses label values that are not strings', () => {
    expect(validationIssues({ labels: { alertname: 5 } })[0]!.path).toBe('labels.alertname');
  });

  it('Alertmanager removeEmptyLabels: drops labels with empty values and fingerprints without them', () => {
    const n = fromFile('prometheus-push-empty-label.json');
    const alert = n.alerts[0]!;
    expect(alert.labels).toEqual({ alertname: 'TargetDown', job: 'node', severity: 'critical' });
    expect(alert.fingerprint).toBe(fingerprintOf({ alertname: 'TargetDown', job: 'node', severity: 'critical' }));
    expect(alert.notes).toBeUndefined();
  });

  it('Alertmanager postAlertsHandler: an alert with only an endsAt in the past starts at its end, not after it', () => {
    const alert = fromFile('resolve-with-only-endsat.json').alerts[0]!;
    expect(alert.status).toBe('resolved');
    expect(alert.startsAt.toISOString()).toBe('2026-11-20T09:10:00.000Z');
    expect(alert.endsAt!.toISOString()).toBe('2026-11-20T09:10:00.000Z');
  });
});
