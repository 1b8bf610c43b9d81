import { z } from 'zod';

/**
 * The three shapes alerts arrive in, as zod schemas. Only the boundary uses zod; the rest of the
 * code works on the `Notification` that `normalize` builds from what these schemas accept.
 */

// Generous bounds, so one bad sender cannot make every later stage (Slack, SQLite, logs) carry megabytes.
export const INPUT_LIMITS = {
  labelsPerAlert: 128,
  labelNameLength: 256,
  labelValueLength: 4096,
  annotationValueLength: 65536,
  alertsPerNotification: 10000,
} as const;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** A timestamp as Alertmanager and Prometheus write it: RFC 3339, any number of fractional digits. */
const timestamp = z
  .string()
  .refine((value) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)), {
    message: 'expected an RFC 3339 timestamp such as 2026-11-22T12:04:34Z',
  });

function nameValueMap(valueLength: number) {
  const map = z
    .record(
      z
        .string()
        .min(1, 'names must not be empty')
        .max(INPUT_LIMITS.labelNameLength, `names are at most ${INPUT_LIMITS.labelNameLength} characters`),
      z.string().max(valueLength, `values are at most ${valueLength} characters`),
    )
    .refine((entries) => Object.keys(entries).length <= INPUT_LIMITS.labelsPerAlert, {
      message: `at most ${INPUT_LIMITS.labelsPerAlert} entries`,
    });
  // zod's record silently drops a `__proto__` key, which would change the alert's fingerprint
  // without a word; refuse it instead.
  return z.preprocess((value, ctx) => {
    if (value !== null && typeof value === 'object' && Object.hasOwn(value, '__proto__')) {
      ctx.addIssue({ code: 'custom', message: 'the name __proto__ is not allowed', path: ['__proto__'], input: value });
    }
    return value;
  }, map);
}

export const labelSetSchema = nameValueMap(INPUT_LIMITS.labelValueLength);
export const annotationSetSchema = nameValueMap(INPUT_LIMITS.annotationValueLength);

export const alertSchema = z.object({
  status: z.enum(['firing', 'resolved']).optional(),
  labels: labelSetSchema.refine((labels) => Object.keys(labels).length > 0, {
    message: 'an alert needs at least one label (usually alertname)',
  }),
  annotations: annotationSetSchema.optional(),
  startsAt: timestamp.optional(),
  endsAt: timestamp.optional(),
  generatorURL: z.string().max(INPUT_LIMITS.labelValueLength).optional(),
  fingerprint: z.string().max(64).optional(),
});

const alertList = z
  .array(alertSchema)
  .min(1, 'expected at least one alert')
  .max(INPUT_LIMITS.alertsPerNotification, `at most ${INPUT_LIMITS.alertsPerNotification} alerts`);

/** Alertmanager's webhook body: v4, and v3 (numeric `groupKey`, quoted by `parseJsonBody`) or no `version`. */
export const webhookSchema = z.object({
  version: z.union([z.string(), z.number()]).optional(),
  groupKey: z.union([z.string(), z.number()]).optional(),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status: z.enum(['firing', 'resolved']).optional(),
  receiver: z.string().max(INPUT_LIMITS.labelValueLength).optional(),
  groupLabels: labelSetSchema.optional(),
  commonLabels: labelSetSchema.optional(),
  commonAnnotations: annotationSetSchema.optional(),
  externalURL: z.string().max(INPUT_LIMITS.labelValueLength).optional(),
  alerts: alertList,
});

/** What Prometheus POSTs to `/api/v2/alerts`. */
export const alertArraySchema = alertList;

export type AlertInput = z.infer<typeof alertSchema>;
export type WebhookInput = z.infer<typeof webhookSchema>;
