import { describe, expect, it } from 'vitest';
import { alertTimeline } from '../../../../src/http/console/alert-timeline.js';
import type { NotificationRecord } from '../../../../src/store/ports/records.js';
import { alertWith, enriched, notificationOf } from '../../../support/alerts.js';

describe('an alert timeline', () => {
  it('says who acknowledged the alert and from where, in its place among the attempts', () => {
    const notification = enriched(notificationOf([alertWith({ alertname: 'DiskFull' }), alertWith({ alertname: 'Other' })], 'n1'));
    const [disk, other] = notification.alerts.map((a) => a.fingerprint) as [string, string];
    const at = notification.receivedAt.getTime();
    const record: NotificationRecord = {
      id: 'n1',
      position: 1,
      state: 'done',
      receivedAt: at,
      notification,
      jobs: [
        {
          id: 'n1:oncall',
          notificationId: 'n1',
          action: 'oncall',
          fingerprints: [disk, other],
          state: 'succeeded',
          createdAt: at + 1,
          nextAttemptAt: at + 1,
          attempts: [{ at: at + 2, durationMs: 40, outcome: 'success' }],
        },
      ],
      events: [
        { at: at + 5, kind: 'acknowledged', action: 'oncall', fingerprints: [disk], by: { id: 'U0CAROL01', name: 'alice', via: 'Slack' } },
      ],
    };
    const timeline = alertTimeline([record], disk);
    expect(timeline.map((e) => e.kind)).toEqual(['received', 'queued', 'attempt', 'delivered', 'acknowledged']);
    expect(timeline.at(-1)).toMatchObject({ action: 'oncall', notification: 'n1', detail: 'acknowledged in Slack by alice (U0CAROL01)' });
    expect(alertTimeline([record], other).map((e) => e.kind)).not.toContain('acknowledged');
  });

  it("shows an episode's life under escalation in the alert's timeline, each event as what it is", () => {
    const notification = enriched(notificationOf([alertWith({ alertname: 'DiskFull' })], 'n1'));
    const [disk] = notification.alerts.map((a) => a.fingerprint) as [string];
    const at = notification.receivedAt.getTime();
    const carol = { id: 'U0CAROL01', name: 'carol', via: 'console' };
    const record: NotificationRecord = {
      id: 'n1',
      position: 1,
      state: 'done',
      receivedAt: at,
      notification,
      jobs: [],
      events: [
        { at: at + 1, kind: 'incident-opened', fingerprints: [disk], incident: 'e1', policy: 'page' },
        { at: at + 2, kind: 'escalation-step', fingerprints: [disk], incident: 'e1', policy: 'page', step: 2 },
        { at: at + 3, kind: 'unacknowledged', fingerprints: [disk], incident: 'e1', by: carol },
        { at: at + 4, kind: 'incident-resolved', fingerprints: [disk], incident: 'e1', by: carol },
        { at: at + 5, kind: 'incident-resolved', fingerprints: [disk], incident: 'e2' },
      ],
    };
    expect(alertTimeline([record], disk).slice(1)).toMatchObject([
      { kind: 'incident-opened', detail: 'episode e1 began under page' },
      { kind: 'escalation-step', detail: 'episode e1: step 2 of page ran' },
      { kind: 'unacknowledged', detail: 'episode e1 unacknowledged in console by carol (U0CAROL01): the chain walks on' },
      { kind: 'incident-resolved', detail: 'episode e1 resolved in console by carol (U0CAROL01)' },
      { kind: 'incident-resolved', detail: 'episode e2 resolved: the group resolved' },
    ]);
  });
});
