import type { Alert, LabelSet } from '../../model/model.js';
import { fingerprintOf } from './fingerprint.js';
import { ValidationError, type ProblemDetail } from '../http-errors.js';

/**
 * Makes every fingerprint in a notification name one alert: everything after ingest (routing,
 * enrichment, each action's share) finds alerts by fingerprint, and two alerts under one
 * fingerprint once delivered one of them twice in place of the other.
 *
 * - The same labels twice is the same alert twice: Prometheus's notifier can queue an alert again
 *   before the first copy was sent, and both go in one batch. They are merged as Alertmanager
 *   merges a repeated alert: the later state wins, the earliest `startsAt` is kept.
 * - Different labels under one fingerprint can only come from a sender whose fingerprints do not
 *   identify its alerts (Alertmanager computes them from the labels; Prometheus sends none). No
 *   choice is safe: the sender's later resolve would end the wrong alert. Refused, naming both.
 *
 * Returns the same array when there is nothing to merge, which is nearly always.
 */
export function mergeDuplicateAlerts(alerts: readonly Alert[], pathOf: (index: number) => string): readonly Alert[] {
  const first = new Map<string, number>();
  let repeats: number[] | undefined;
  for (let i = 0; i < alerts.length; i++) {
    const fingerprint = (alerts[i] as Alert).fingerprint;
    if (first.has(fingerprint)) (repeats ??= []).push(i);
    else first.set(fingerprint, i);
  }
  if (repeats === undefined) return alerts;

  const merged: (Alert | undefined)[] = [...alerts];
  const sources = new Map<number, number[]>();
  const issues: ProblemDetail[] = [];
  for (const i of repeats) {
    const later = alerts[i] as Alert;
    const j = first.get(later.fingerprint) as number;
    const kept = merged[j] as Alert;
    if (!sameLabels(kept.labels, later.labels)) {
      issues.push({ path: `${pathOf(i)}.fingerprint`, message: conflict(later, pathOf(j), kept) });
      continue;
    }
    merged[j] = { ...later, startsAt: later.startsAt < kept.startsAt ? later.startsAt : kept.startsAt };
    merged[i] = undefined;
    sources.set(j, [...(sources.get(j) ?? [j]), i]);
  }
  if (issues.length > 0) {
    throw new ValidationError(
      `two alerts with different labels have the same fingerprint (first: ${issues[0]?.path})`,
      issues.slice(0, 50),
    );
  }
  for (const [j, from] of sources) {
    const alert = merged[j] as Alert;
    const note = `the same alert came ${from.length} times in this notification (${from.map(pathOf).join(', ')}); the last state is kept, with the earliest startsAt`;
    merged[j] = { ...alert, notes: [...(alert.notes ?? []), note] };
  }
  return merged.filter((alert): alert is Alert => alert !== undefined);
}

function conflict(later: Alert, firstPath: string, kept: Alert): string {
  const agrees = (alert: Alert): string => (fingerprintOf(alert.labels) === alert.fingerprint ? 'matches' : 'does not match');
  return (
    `same fingerprint ${JSON.stringify(later.fingerprint)} as ${firstPath} but different labels; ` +
    `it ${agrees(kept)} the labels of ${firstPath} and ${agrees(later)} these. Send each alert's own fingerprint, or none to have it computed`
  );
}

function sameLabels(a: LabelSet, b: LabelSet): boolean {
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return false;
  return names.every((name) => Object.hasOwn(b, name) && b[name] === a[name]);
}
