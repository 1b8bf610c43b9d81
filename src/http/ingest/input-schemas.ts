import { z } from 'zod';
import { INPUT_LIMITS } from './limit-alert-fields.js';
import { parseAlertTimestamp } from './timestamp.js';

/**
 * The three shapes alerts arrive in, as zod schemas. Only the boundary uses zod; the rest of the
 * code works on the `Notification` that `normalize` builds from what these schemas accept.
 *
 * These schemas refuse only what is not an alert (a label value that is not a string, a timestamp
 * that is not one). Sizes are not checked here: what is too big is cut by `limitAlertFields`, so
 * one oversized field never costs the sender its whole group (Alertmanager does not retry a 4xx).
 * `null` stands for "absent" everywhere, as Go writes a nil map, pointer or slice.
 */

/** A map of names to string values, as sent: the same object, never copied. */
export type StringMap = Readonly<Record<string, string>>;

/**
 * A timestamp as Alertmanager and Prometheus write it: RFC 3339, any number of fractional digits;
 * or one without a zone, read as UTC (see `parseAlertTimestamp`).
 */
const timestamp = z
  .string()
  .refine((value) => !Number.isNaN(parseAlertTimestamp(value)), {
    message: 'expected an RFC 3339 timestamp such as 2026-11-22T12:04:34Z',
  })
  .nullish();

/**
 * Labels or annotations. Checked by hand rather than with `z.record`, which copies the map and
 * silently drops a `__proto__` key: a legal Prometheus label name, kept here as an own property
 * of the object `JSON.parse` built, so no prototype is ever touched.
 */
const stringMap = z.unknown().transform((value, ctx): StringMap | undefined => {
  if (value === null || value === undefined) return undefined;
  return isStringMap(value, ctx) ? value : z.NEVER;
});

/** An alert's labels: at least one with a value, or it is no alert (Alertmanager refuses it too). */
const alertLabels = z.unknown().transform((value, ctx): StringMap => {
  if (value !== null && value !== undefined) {
    if (!isStringMap(value, ctx)) return z.NEVER;
    if (hasValue(value)) return value;
  }
  ctx.addIssue({ code: 'custom', message: 'an alert needs at least one label with a value (usually alertname)', input: value });
  return z.NEVER;
});

/** Adds an issue for what is not a string, at its own path. */
function isStringMap(value: unknown, ctx: z.RefinementCtx): value is StringMap {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: 'expected an object of names to string values', input: value });
    return false;
  }
  let valid = true;
  const map = value as Record<string, unknown>;
  for (const name of Object.keys(map)) {
    const entry = map[name];
    if (typeof entry === 'string') continue;
    valid = false;
    ctx.addIssue({
      code: 'custom',
      message: `expected a string, received ${entry === null ? 'null' : typeof entry}`,
      path: [name],
      input: entry,
    });
  }
  return valid;
}

/** A label that survives `limitLabels`: a value, and a name it would not leave out. */
function hasValue(labels: StringMap): boolean {
  return Object.keys(labels).some((name) => labels[name] !== '' && name !== '' && name.length <= INPUT_LIMITS.nameLength);
}

const optionalString = z.string().nullish();

/** `firing` or `resolved`; empty (as some senders write an unknown) means absent: taken from the alerts. */
const status = z.union([z.enum(['firing', 'resolved']), z.literal('').transform(() => null)]).nullish();

export const alertSchema = z.object({
  status,
  labels: alertLabels,
  annotations: stringMap.optional(),
  startsAt: timestamp,
  endsAt: timestamp,
  generatorURL: optionalString,
  fingerprint: optionalString,
});

const alertList = z.array(alertSchema).min(1, 'expected at least one alert');

/** Alertmanager's webhook body: v4, and v3 (numeric `groupKey`, quoted by `parseJsonBody`) or no `version`. */
export const webhookSchema = z.object({
  version: z.union([z.string(), z.number()]).nullish(),
  groupKey: z.union([z.string(), z.number()]).nullish(),
  truncatedAlerts: z.number().int().nonnegative().nullish(),
  status,
  receiver: optionalString,
  groupLabels: stringMap.optional(),
  commonLabels: stringMap.optional(),
  commonAnnotations: stringMap.optional(),
  externalURL: optionalString,
  alerts: alertList,
});

/** What Prometheus POSTs to `/api/v2/alerts`. */
export const alertArraySchema = alertList;

// Maps may also be `null` (read-hot-shapes.ts hands the parsed body on as it is); both mean absent.
type Nullable<T, K extends keyof T> = Omit<T, K> & { [P in K]?: T[P] | null };
export type AlertInput = Nullable<z.infer<typeof alertSchema>, 'annotations'>;
export type WebhookInput = Omit<Nullable<z.infer<typeof webhookSchema>, 'groupLabels' | 'commonLabels' | 'commonAnnotations'>, 'alerts'> & {
  alerts: AlertInput[];
};
