import { describe, expect, it } from 'vitest';
import { alertVerdicts } from '../../../../src/http/console/alert-verdicts.js';
import type { HistoryEvent, Job, NotificationRecord } from '../../../../src/store/ports/records.js';
import { alertWith, enriched, notificationOf } from '../../../support/alerts.js';

const notification = (id: string) => enriched(notificationOf([alertWith({ alertname: 'DiskFull' })], id));
const fingerprint = notification('x').alerts[0]!.fingerprint;

function record(id: string, at: number, jobs: Partial<Job>[], events: HistoryEvent[]): NotificationRecord {
  return {
    id,
    position: at,
    state: 'done',
    receivedAt: at,
    notification: notification(id),
    jobs: jobs.map((job) => ({
      id: `${id}:${job.action}`,
      notificationId: id,
      action: 'chat',
      fingerprints: [fingerprint],
      state: 'succeeded',
      createdAt: at,
      nextAttemptAt: at,
      attempts: [],
      ...job,
    })),
    events,
  };
}

describe("why an alert's notifications were or were not sent", () => {
  it('says which routes were tried when none matched', () => {
    const [only] = alertVerdicts(
      [record('n1', 1000, [], [{ at: 1000, kind: 'unrouted', fingerprints: [fingerprint], tried: ['route 0: {team="db"}'] }])],
      fingerprint,
    );
    expect(only!.verdicts).toEqual([
      { kind: 'unrouted', text: 'No message: no route matched this alert, so no action received it. Routes tried: route 0: {team="db"}.' },
    ]);
  });

  it('links a duplicate to the notification whose message went out', () => {
    const sent = record(
      'n1',
      1000,
      [{ action: 'chat', attempts: [{ at: 1001, durationMs: 3, outcome: 'success', detail: 'posted 1 alert' }] }],
      [],
    );
    const copy = record('n2', 2000, [], [{ at: 2000, kind: 'deduplicated', action: 'chat', fingerprints: [fingerprint] }]);
    const [first, second] = alertVerdicts([sent, copy], fingerprint);
    expect(first!.verdicts).toEqual([{ kind: 'delivered', action: 'chat', text: 'Delivered to chat (posted 1 alert) after 1 attempt.' }]);
    expect(second!.verdicts).toEqual([expect.objectContaining({ kind: 'deduplicated', action: 'chat', original: 'n1' })]);
  });

  it('says who silenced the alert from Slack, until when, and names a dead letter with its last error', () => {
    const [only] = alertVerdicts(
      [
        record(
          'n1',
          1000,
          [{ action: 'flaky', state: 'dead', attempts: [{ at: 1001, durationMs: 3, outcome: 'dead', error: 'Slack answered 503' }] }],
          [
            {
              at: Date.parse('2026-12-03T10:00:00Z'),
              kind: 'silenced',
              action: 'oncall',
              fingerprints: [fingerprint],
              by: { id: 'U0ALICE01', name: 'alice', via: 'Slack' },
              until: Date.parse('2026-12-03T11:00:00Z'),
              detail: 'alertname="DiskFull"',
            },
          ],
        ),
      ],
      fingerprint,
    );
    expect(only!.verdicts.map((v) => v.text)).toEqual([
      'Silenced from Slack by alice (U0ALICE01) at 2026-12-03T10:00:00.000Z until 2026-12-03T11:00:00.000Z (alertname="DiskFull"): Alertmanager sends no notification of these alerts meanwhile.',
      'Dead-lettered at flaky after 1 attempt: Slack answered 503. Retry it from Dead letters.',
    ]);
  });
});
