import type { Actor, NotificationRecord } from '../../store/ports/records.js';

/** One thing that happened to one alert, as the timeline shows it. */
export interface TimelineEntry {
  readonly at: string;
  readonly kind:
    | 'received'
    | 'routed'
    | 'unrouted'
    | 'deduplicated'
    | 'queued'
    | 'rate-limited'
    | 'attempt'
    | 'delivered'
    | 'retrying'
    | 'dead'
    | 'failed'
    | 'retried'
    | 'acknowledged'
    | 'incident-opened'
    | 'escalation-step'
    | 'unacknowledged'
    | 'incident-resolved'
    | 'escalation-stopped'
    | 'silenced'
    | 'unsilenced'
    | 'template-fallback';
  readonly notification: string;
  readonly action?: string;
  readonly jobId?: string;
  /** One line: the route taken, the error, the status code, when the next attempt is. */
  readonly detail?: string;
}

/**
 * Everything the history knows about one alert, oldest first, across the notifications that carried
 * it: received (with its status then), the route it took or that none did, skipped as a duplicate,
 * each action's waits, attempts and end. The answer to "why was nobody paged?".
 */
export function alertTimeline(records: readonly NotificationRecord[], fingerprint: string): TimelineEntry[] {
  const entries: Array<TimelineEntry & { order: number }> = [];
  const push = (at: number, entry: Omit<TimelineEntry, 'at'>): void => {
    entries.push({ ...entry, at: new Date(at).toISOString(), order: entries.length });
  };
  for (const record of records) {
    const alert = record.notification.alerts.find((a) => a.fingerprint === fingerprint);
    if (alert === undefined) continue;
    const notification = record.id;
    push(record.receivedAt, {
      kind: 'received',
      notification,
      detail: `${alert.status} in the group of ${groupText(record)} (receiver ${record.notification.receiver || 'none: sent straight to alertpipe'})`,
    });
    for (const event of record.events) {
      if (!event.fingerprints.includes(fingerprint)) continue;
      const action = event.action === undefined ? {} : { action: event.action };
      if (event.kind === 'routed')
        push(event.at, {
          kind: 'routed',
          notification,
          detail: `route ${event.route?.index}: ${event.route?.description} → ${event.route?.actions.join(', ')}`,
        });
      else if (event.kind === 'unrouted')
        push(event.at, {
          kind: 'unrouted',
          notification,
          detail: `matched no route: no action received it${event.tried?.length ? ` (tried ${event.tried.join('; ')})` : ''}`,
        });
      else if (event.kind === 'deduplicated')
        push(event.at, {
          kind: 'deduplicated',
          notification,
          ...action,
          detail: 'already acted on in this state within the dedup window; skipped',
        });
      else if (event.kind === 'rate-limited')
        push(event.at, {
          kind: 'rate-limited',
          notification,
          ...action,
          detail: `waits for the destination's rate limit until ${new Date(event.until ?? event.at).toISOString()}`,
        });
      else if (event.kind === 'acknowledged')
        push(event.at, { kind: 'acknowledged', notification, ...action, detail: acknowledgedBy(event.by) });
      else if (event.kind === 'silenced' || event.kind === 'unsilenced')
        push(event.at, {
          kind: event.kind,
          notification,
          ...action,
          detail: [
            `${event.kind} in ${event.by?.via ?? '?'} by ${event.by?.name ?? '?'}`,
            event.until ? `until ${new Date(event.until).toISOString()}` : '',
            event.detail ?? '',
          ]
            .filter(Boolean)
            .join(' · '),
        });
      else if (event.kind === 'template-fallback')
        push(event.at, { kind: 'template-fallback', notification, ...action, detail: event.detail ?? '' });
      else if (event.kind === 'retried') push(event.at, { kind: 'retried', notification, ...action, detail: 'retried by hand' });
      else push(event.at, { kind: event.kind, notification, detail: incidentDetail(event) });
    }
    for (const job of record.jobs) {
      if (!job.fingerprints.includes(fingerprint)) continue;
      const base = { notification, action: job.action, jobId: job.id };
      push(job.createdAt, { kind: 'queued', ...base });
      for (const attempt of job.attempts) {
        const detail = [attempt.outcome, attempt.error, attempt.detail, `${attempt.durationMs} ms`].filter(Boolean).join(' · ');
        push(attempt.at, { kind: 'attempt', ...base, detail });
      }
      const end = job.attempts.at(-1)?.at ?? job.createdAt;
      if (job.state === 'succeeded') push(end, { kind: 'delivered', ...base });
      if (job.state === 'dead' || job.state === 'failed') push(end, { kind: job.state, ...base, detail: job.attempts.at(-1)?.error ?? '' });
      if (job.state === 'pending' && job.attempts.length > 0)
        push(end, { kind: 'retrying', ...base, detail: `next attempt at ${new Date(job.nextAttemptAt).toISOString()}` });
    }
  }
  // By time; what happened at the same moment keeps the order it was told in (received before routed).
  return entries.sort((a, b) => a.at.localeCompare(b.at) || a.order - b.order).map(({ order: _order, ...entry }) => entry);
}

function acknowledgedBy(by: Actor | undefined): string {
  return by === undefined ? 'acknowledged' : `acknowledged in ${by.via} by ${by.name} (${by.id})`;
}

/** An episode's event in one line: `episode 3f2a… began under page-critical`, `step 2 ran`, `resolved by alice in console`. */
function incidentDetail(event: NotificationRecord['events'][number]): string {
  const episode = `episode ${event.incident ?? '?'}`;
  const who = event.by === undefined ? '' : ` in ${event.by.via} by ${event.by.name} (${event.by.id})`;
  if (event.kind === 'incident-opened') return `${episode} began under ${event.policy ?? '?'}`;
  if (event.kind === 'escalation-step') return `${episode}: step ${event.step ?? '?'} of ${event.policy ?? '?'} ran`;
  if (event.kind === 'unacknowledged') return `${episode} unacknowledged${who}: the chain walks on`;
  if (event.kind === 'escalation-stopped') return `${episode}: its chain stopped (${event.detail ?? 'its policy is gone'})`;
  return event.by === undefined ? `${episode} resolved: the group resolved` : `${episode} resolved${who}`;
}

/** The group by the labels it is grouped by (`alertname="X", namespace="shop"`), not its raw key. */
function groupText(record: NotificationRecord): string {
  const labels = Object.entries(record.notification.groupLabels).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  return labels.length > 0 ? labels.join(', ') : 'every alert';
}
