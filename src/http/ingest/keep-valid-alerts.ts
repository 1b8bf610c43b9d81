import type { z } from 'zod';
import type { ProblemDetail } from '../http-errors.js';

/** What a body's invalid alerts were, once they were left out. */
export interface LeftOutAlerts {
  /** How many alerts the body had, and how many were left out. */
  readonly sent: number;
  readonly leftOut: number;
  /** Their problems, at their paths in the body as sent (`alerts.3.startsAt`). */
  readonly problems: readonly ProblemDetail[];
}

export type Validated<T> =
  { readonly ok: true; readonly value: T; readonly leftOut?: LeftOutAlerts } | { readonly ok: false; readonly issues: z.core.$ZodIssue[] };

/**
 * Validates a body holding a list of alerts (`alertsAt`: the path of the list, `[]` for a bare
 * array), keeping the valid alerts when only some are invalid, as Alertmanager's
 * `POST /api/v2/alerts` does: it stores the valid ones and answers 400 naming the rest. The body
 * is refused whole when a problem is outside the alerts, or when no alert is valid.
 */
export function keepValidAlerts<T extends z.ZodType>(schema: T, body: unknown, alertsAt: readonly string[]): Validated<z.infer<T>> {
  const first = schema.safeParse(body);
  if (first.success) return { ok: true, value: first.data };
  const alerts = listAt(body, alertsAt);
  const invalid = new Set<number>();
  for (const issue of first.error.issues) {
    const index = issue.path[alertsAt.length];
    const inList = alertsAt.every((key, i) => issue.path[i] === key) && typeof index === 'number';
    if (!inList) return { ok: false, issues: first.error.issues };
    invalid.add(index);
  }
  if (alerts === undefined || invalid.size >= alerts.length) return { ok: false, issues: first.error.issues };
  const kept = alerts.filter((_, i) => !invalid.has(i));
  const second = schema.safeParse(withListAt(body, alertsAt, kept));
  if (!second.success) return { ok: false, issues: first.error.issues };
  const problems = first.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  return { ok: true, value: second.data, leftOut: { sent: alerts.length, leftOut: invalid.size, problems } };
}

function listAt(body: unknown, at: readonly string[]): unknown[] | undefined {
  let value: unknown = body;
  for (const key of at) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return Array.isArray(value) ? value : undefined;
}

function withListAt(body: unknown, at: readonly string[], list: unknown[]): unknown {
  const [key, ...rest] = at;
  if (key === undefined) return list;
  const object = body as Record<string, unknown>;
  return { ...object, [key]: withListAt(object[key], rest, list) };
}
