import { INPUT_LIMITS } from './limit-alert-fields.js';
import type { AlertInput, WebhookInput } from './input-schemas.js';
import { parseTimestamp } from './timestamp.js';

/**
 * The fast path past the zod schemas of input-schemas.ts, for bodies that are plainly right: one
 * pass over what `JSON.parse` built, copying nothing, and the body itself handed on as the
 * schema's output. In an alert storm a group holds hundreds of alerts, and zod's object parsing
 * (a new object per alert, a closure per check) cost several times the `JSON.parse` of the body.
 *
 * It accepts only what the schemas accept (a subset: anything unusual answers `undefined`), so a
 * body it lets through is one zod would have let through, and normalize reads it the same way;
 * everything else, and so every 400 and its `issues[]`, still comes from zod. `null` maps stay
 * `null` here where zod's transform gives `undefined`: normalize treats both as absent.
 */
export function readWebhook(body: object): WebhookInput | undefined {
  const b = body as Record<string, unknown>;
  if (Array.isArray(body)) return undefined;
  if (!isVersion(b.version) || !isVersion(b.groupKey) || !isCount(b.truncatedAlerts) || !isStatus(b.status)) return undefined;
  if (!isText(b.receiver) || !isText(b.externalURL)) return undefined;
  if (!isMap(b.groupLabels) || !isMap(b.commonLabels) || !isMap(b.commonAnnotations)) return undefined;
  return readAlerts(b.alerts) === undefined ? undefined : (body as WebhookInput);
}

/** A bare array of alerts, as Prometheus posts to `/api/v2/alerts`. */
export function readAlerts(value: unknown): AlertInput[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  for (const alert of value) if (!isAlert(alert)) return undefined;
  return value as AlertInput[];
}

/** One bare alert. */
export function readAlert(value: unknown): AlertInput | undefined {
  return isAlert(value) ? (value as AlertInput) : undefined;
}

function isAlert(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const a = value as Record<string, unknown>;
  return (
    isStatus(a.status) &&
    isLabels(a.labels) &&
    isMap(a.annotations) &&
    isTime(a.startsAt) &&
    isTime(a.endsAt) &&
    isText(a.generatorURL) &&
    isText(a.fingerprint)
  );
}

const absent = (value: unknown): boolean => value === undefined || value === null;
const isText = (value: unknown): boolean => absent(value) || typeof value === 'string';
const isVersion = (value: unknown): boolean => isText(value) || typeof value === 'number';
const isStatus = (value: unknown): boolean => absent(value) || value === 'firing' || value === 'resolved';
const isCount = (value: unknown): boolean => absent(value) || (Number.isSafeInteger(value) && (value as number) >= 0);
const isTime = (value: unknown): boolean => absent(value) || (typeof value === 'string' && !Number.isNaN(parseTimestamp(value)));

function isMap(value: unknown): boolean {
  if (absent(value)) return true;
  if (typeof value !== 'object' || Array.isArray(value)) return false;
  const map = value as Record<string, unknown>;
  for (const name in map) if (typeof map[name] !== 'string') return false;
  // for…in also walks inherited names; a parsed object has none, and a `__proto__` key is own.
  return true;
}

/** Labels with at least one value a limit would keep, as `alertLabels` in input-schemas.ts asks. */
function isLabels(value: unknown): boolean {
  if (absent(value) || !isMap(value)) return false;
  const labels = value as Record<string, string>;
  for (const name in labels) if (labels[name] !== '' && name !== '' && name.length <= INPUT_LIMITS.nameLength) return true;
  return false;
}
