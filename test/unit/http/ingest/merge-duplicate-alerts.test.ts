import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../../../src/http/ingest/fingerprint.js';
import { ValidationError } from '../../../../src/http/http-errors.js';
import { normalize } from '../../../../src/http/ingest/normalize.js';
import { parseJsonBody } from '../../../../src/http/parse-json.js';
import { viewFor } from '../../../../src/pipeline/run-job.js';
import { parseMatchers } from '../../../../src/model/matchers.js';
import { routeAlerts } from '../../../../src/pipeline/router.js';
import { enriched } from '../../../support/alerts.js';
import { fixtureText } from '../../../support/fixtures.js';

const now = new Date('2026-11-20T09:02:00Z');

function refusal(body: unknown): ValidationError {
  try {
    normalize(body, { now });
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('alerts that share a fingerprint in one notification', () => {
  it('Prometheus notifier queueing an alert twice in one batch: merged into one, the later state kept', () => {
    const n = normalize(parseJsonBody(fixtureText('prometheus-push-repeated-alert.json')), { now });
    expect(n.alerts).toHaveLength(2);
    const [api, web] = n.alerts;
    expect(api!.labels.job).toBe('api');
    expect(api!.endsAt!.toISOString()).toBe('2026-11-20T09:05:00.000Z');
    expect(api!.notes).toEqual([
      'the same alert came 2 times in this notification (0, 1); the last state is kept, with the earliest startsAt',
    ]);
    expect(web!.notes).toBeUndefined();
  });

  it('keeps the earliest startsAt of a repeated alert, and its position in the group', () => {
    const n = normalize(
      [
        { labels: { alertname: 'A' }, startsAt: '2026-11-20T09:00:00Z', status: 'firing' },
        { labels: { alertname: 'B' } },
        { labels: { alertname: 'A' }, startsAt: '2026-11-20T09:01:00Z', endsAt: '2026-11-20T09:01:30Z', status: 'resolved' },
      ],
      { now },
    );
    expect(n.alerts.map((a) => a.labels.alertname)).toEqual(['A', 'B']);
    expect(n.alerts[0]).toMatchObject({ status: 'resolved', startsAt: new Date('2026-11-20T09:00:00Z') });
  });

  it('issue 10 break 10: a critical and a warning alert under one fingerprint are refused, naming both paths', () => {
    const error = refusal(parseJsonBody(fixtureText('duplicate-fingerprint-severities.json')));
    expect(error.statusCode).toBe(400);
    expect(error.issues).toEqual([
      {
        path: 'alerts.1.fingerprint',
        message: expect.stringContaining('same fingerprint "1a2b3c4d5e6f7a8b" as alerts.0 but different labels'),
      },
    ]);
    expect(error.issues[0]!.message).toContain('does not match the labels of alerts.0 and does not match these');
  });

  it('says which of the two a fingerprint belongs to when one of them matches its labels', () => {
    const labels = { alertname: 'DiskFull', severity: 'critical' };
    const error = refusal([
      { labels, fingerprint: fingerprintOf(labels) },
      { labels: { alertname: 'DiskFull', severity: 'warning' }, fingerprint: fingerprintOf(labels) },
    ]);
    expect(error.issues[0]).toMatchObject({ path: '1.fingerprint' });
    expect(error.issues[0]!.message).toContain('matches the labels of 0 and does not match these');
  });

  it('never lets a route for the critical alert deliver the warning one (the routing case of issue 10)', () => {
    // What the store would have held before the fix: two alerts, one fingerprint. Now refused at ingest,
    // so here the merged, accepted case is routed instead: each action gets exactly its own alerts.
    const n = normalize(
      [
        { labels: { alertname: 'DiskFull', severity: 'critical' } },
        { labels: { alertname: 'DiskFull', severity: 'warning' } },
        { labels: { alertname: 'DiskFull', severity: 'critical' } },
      ],
      { now },
    );
    const routes = [{ matchers: parseMatchers('severity="critical"'), actions: ['pager'], continue: false }];
    const pager = routeAlerts(n.alerts, routes).byAction.get('pager') ?? [];
    const view = viewFor(
      enriched(n),
      pager.map((a) => a.fingerprint),
    );
    expect(view.alerts.map((a) => a.labels.severity)).toEqual(['critical']);
  });
});
