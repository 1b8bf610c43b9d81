import type { Alert } from '../../model/model.js';
import { fingerprintOf } from './fingerprint.js';
import type { AlertInput, StringMap } from './input-schemas.js';
import { INPUT_LIMITS, limitAnnotations, limitLabels, type TruncatedField } from './limit-alert-fields.js';
import { alertTime, isZoneless } from './timestamp.js';

const NONE: StringMap = Object.freeze({});

/**
 * One accepted alert as the rest of alertpipe sees it, filled in the way Alertmanager's API
 * fills in what Prometheus leaves out, and cut to the limits (see limit-alert-fields.ts).
 */
export function toAlert(input: AlertInput, now: Date, onTruncated?: (field: TruncatedField) => void): Alert {
  let notes: string[] | undefined;
  const onCut = (field: TruncatedField, note: string): void => {
    (notes ??= []).push(note);
    onTruncated?.(field);
  };
  for (const [field, value] of [
    ['startsAt', input.startsAt],
    ['endsAt', input.endsAt],
  ] as const) {
    if (value && isZoneless(value)) (notes ??= []).push(`${field} ${value} has no time zone: read as UTC`);
  }
  const sentLabels = input.labels ?? NONE;
  const endsAt = alertTime(input.endsAt);
  const alert = {
    // From the labels as sent (fingerprintOf skips empty values), before anything is cut.
    fingerprint: senderFingerprint(input.fingerprint, onCut) ?? fingerprintOf(sentLabels),
    // Prometheus sends no status: an alert whose endsAt has passed is resolved, as in Alertmanager.
    status: input.status ?? (endsAt !== null && endsAt.getTime() <= now.getTime() ? 'resolved' : 'firing'),
    labels: limitLabels(sentLabels, onCut),
    annotations: limitAnnotations(input.annotations ?? NONE, onCut),
    // Alertmanager's rule: no start means the end when there is one (a resolve that never fired
    // here must not start after it ended), the time of receipt otherwise.
    startsAt: alertTime(input.startsAt) ?? endsAt ?? now,
    endsAt,
    generatorURL: generatorUrl(input.generatorURL, onCut),
  };
  return notes === undefined ? alert : { ...alert, notes };
}

/** The sender's fingerprint when usable; a missing, empty or oversized one is computed instead. */
function senderFingerprint(sent: string | null | undefined, onCut: (field: TruncatedField, note: string) => void): string | undefined {
  if (!sent) return undefined;
  if (sent.length <= INPUT_LIMITS.fingerprintLength) return sent;
  onCut(
    'fingerprint',
    `the sender's fingerprint (${sent.length} characters) was replaced by the labels' fingerprint: at most ${INPUT_LIMITS.fingerprintLength}`,
  );
  return undefined;
}

/** A cut URL leads nowhere, so one past the limit is left out rather than cut. */
function generatorUrl(sent: string | null | undefined, onCut: (field: TruncatedField, note: string) => void): string {
  if (!sent) return '';
  if (sent.length <= INPUT_LIMITS.urlLength) return sent;
  onCut('generator_url', `generatorURL (${sent.length} characters) left out: at most ${INPUT_LIMITS.urlLength}`);
  return '';
}
