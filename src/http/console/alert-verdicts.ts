import type { HistoryEvent, Job, NotificationRecord } from '../../store/ports/records.js';

/** One thing that became of one notification of an alert, in a sentence. */
export interface Verdict {
  readonly kind:
    | 'delivered'
    | 'unrouted'
    | 'deduplicated'
    | 'rate-limited'
    | 'retrying'
    | 'dead'
    | 'failed'
    | 'queued'
    | 'template-fallback'
    | 'silenced'
    | 'unsilenced'
    | 'acknowledged'
    | 'retried'
    | 'not-routed-yet';
  readonly action?: string;
  readonly text: string;
  /** For `deduplicated`: the notification whose message went out instead. */
  readonly original?: string;
}

/** For each notification that carried the alert: what became of it, in plain words. */
export interface NotificationVerdicts {
  readonly notification: string;
  readonly receivedAt: string;
  readonly status: string;
  readonly verdicts: readonly Verdict[];
}

const iso = (at: number): string => new Date(at).toISOString();
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The answer to "why wasn't I paged?" for one alert, notification by notification (records
 * oldest first): where it was delivered, or why not: no route matched (and which were tried),
 * deduplicated (and which notification went out instead), held by a rate limit, failed and
 * retried, dead-lettered; and what people did about it (silenced or acknowledged from Slack).
 */
export function alertVerdicts(records: readonly NotificationRecord[], fingerprint: string): NotificationVerdicts[] {
  const carrying = records.filter((r) => r.notification.alerts.some((a) => a.fingerprint === fingerprint));
  return carrying.map((record, index) => {
    const alert = record.notification.alerts.find((a) => a.fingerprint === fingerprint);
    const events = record.events.filter((e) => e.fingerprints.includes(fingerprint));
    const jobs = record.jobs.filter((j) => j.fingerprints.includes(fingerprint));
    const verdicts: Verdict[] = [];
    for (const event of events) {
      const verdict = eventVerdict(event, carrying.slice(0, index), fingerprint);
      if (verdict !== undefined) verdicts.push(verdict);
    }
    for (const job of jobs) verdicts.push(jobVerdict(job, events));
    if (verdicts.length === 0 && !events.some((e) => e.kind === 'routed'))
      verdicts.push({ kind: 'not-routed-yet', text: `Not routed yet: the notification is ${record.state}.` });
    return { notification: record.id, receivedAt: iso(record.receivedAt), status: alert?.status ?? '', verdicts };
  });
}

function eventVerdict(event: HistoryEvent, earlier: readonly NotificationRecord[], fingerprint: string): Verdict | undefined {
  const action = event.action === undefined ? {} : { action: event.action };
  const who = event.by === undefined ? 'someone' : `${event.by.name} (${event.by.id})`;
  const via = event.by?.via ?? 'elsewhere';
  switch (event.kind) {
    case 'unrouted':
      return {
        kind: 'unrouted',
        text: `No message: no route matched this alert, so no action received it.${
          event.tried && event.tried.length > 0 ? ` Routes tried: ${event.tried.join('; ')}.` : ' The config has no route.'
        }`,
      };
    case 'deduplicated': {
      const original = [...earlier]
        .reverse()
        .find((r) => r.jobs.some((j) => j.action === event.action && j.fingerprints.includes(fingerprint)));
      return {
        kind: 'deduplicated',
        ...action,
        text: original
          ? `Not sent to ${event.action} again: deduplicated. The same alert in the same state already went to it with an earlier notification (${iso(original.receivedAt)}).`
          : `Not sent to ${event.action} again: deduplicated. The same alert in the same state already went to it within the dedup window, with a notification older than this page of the history.`,
        ...(original ? { original: original.id } : {}),
      };
    }
    case 'rate-limited':
      return {
        kind: 'rate-limited',
        ...action,
        text: `Held by ${event.action}'s rate limit until ${iso(event.until ?? event.at)}.`,
      };
    case 'template-fallback':
      return {
        kind: 'template-fallback',
        ...action,
        text: `Template fell back at ${event.action}: ${event.detail ?? 'a template failed'}.`,
      };
    case 'silenced':
      return {
        kind: 'silenced',
        ...action,
        text: `Silenced from ${via} by ${who} at ${iso(event.at)}${event.until ? ` until ${iso(event.until)}` : ''}${
          event.detail ? ` (${event.detail})` : ''
        }: Alertmanager sends no notification of these alerts meanwhile.`,
      };
    case 'unsilenced':
      return { kind: 'unsilenced', ...action, text: `Silence expired from ${via} by ${who} at ${iso(event.at)}.` };
    case 'acknowledged':
      return { kind: 'acknowledged', ...action, text: `Acknowledged from ${via} by ${who} at ${iso(event.at)}.` };
    case 'retried':
      return { kind: 'retried', ...action, text: `Retried by hand at ${event.action} at ${iso(event.at)}.` };
    default:
      return undefined; // `routed`: said by the job it made.
  }
}

function jobVerdict(job: Job, events: readonly HistoryEvent[]): Verdict {
  const last = job.attempts.at(-1);
  const tries = plural(job.attempts.length, 'attempt');
  const base = { action: job.action };
  if (job.state === 'succeeded')
    return { kind: 'delivered', ...base, text: `Delivered to ${job.action}${last?.detail ? ` (${last.detail})` : ''} after ${tries}.` };
  if (job.state === 'dead')
    return {
      kind: 'dead',
      ...base,
      text: `Dead-lettered at ${job.action} after ${tries}: ${last?.error ?? 'no error kept'}. Retry it from Dead letters.`,
    };
  if (job.state === 'failed')
    return { kind: 'failed', ...base, text: `Failed at ${job.action}, not retryable: ${last?.error ?? 'no error kept'}.` };
  if (job.attempts.length > 0)
    return {
      kind: 'retrying',
      ...base,
      text: `Failed at ${job.action} ${plural(job.attempts.length, 'time')} (${last?.error ?? ''}); next attempt at ${iso(job.nextAttemptAt)}.`,
    };
  if (events.some((e) => e.kind === 'rate-limited' && e.action === job.action))
    return { kind: 'rate-limited', ...base, text: `Waiting for ${job.action}'s rate limit; not tried yet.` };
  return { kind: 'queued', ...base, text: `Queued for ${job.action}; not tried yet.` };
}
