import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Alert, AlertStatus, InputShape, LabelSet, Notification } from '../pipeline/model.js';
import { fingerprintOf } from './fingerprint.js';
import { ValidationError, type ProblemDetail } from './http-errors.js';
import { alertArraySchema, alertSchema, webhookSchema, type AlertInput, type WebhookInput } from './input-schemas.js';

export interface NormalizeOptions {
  /** The moment of receipt; decides the status of alerts that carry only `endsAt`. */
  now?: Date;
  /** Injected for tests; a random UUID otherwise. */
  id?: string;
  /** The request body's text, kept for actions that forward it; JSON of `body` when absent. */
  originalBody?: string;
}

/**
 * Turns any of the accepted shapes into one `Notification`: an Alertmanager webhook body (v4, v3, or
 * without `version`), a single bare alert, or a bare array of alerts as Prometheus sends them.
 * Throws `ValidationError` listing every problem with its path.
 */
export function normalize(body: unknown, options: NormalizeOptions = {}): Notification {
  const now = options.now ?? new Date();
  const id = options.id ?? randomUUID();
  const original = options.originalBody ?? JSON.stringify(body) ?? '';
  if (Array.isArray(body)) {
    return fromAlerts('alert-array', validate(alertArraySchema, body), { id, now, original });
  }
  if (body !== null && typeof body === 'object') {
    if ('alerts' in body) return fromWebhook(validate(webhookSchema, body), { id, now, original });
    return fromAlerts('single-alert', [validate(alertSchema, body)], { id, now, original });
  }
  throw new ValidationError(
    'expected a JSON object (an alert or an Alertmanager notification) or an array of alerts',
    [{ path: '', message: `received ${body === null ? 'null' : typeof body}` }],
  );
}

interface Context {
  id: string;
  now: Date;
  original: string;
}

function fromWebhook(input: WebhookInput, ctx: Context): Notification {
  const alerts = input.alerts.map((alert) => toAlert(alert, ctx.now));
  const commonLabels = input.commonLabels ?? intersect(alerts.map((a) => a.labels));
  return {
    id: ctx.id,
    receivedAt: ctx.now,
    shape: 'alertmanager',
    receiver: input.receiver ?? '',
    status: input.status ?? groupStatus(alerts),
    groupKey: input.groupKey === undefined ? groupKeyOf(input.groupLabels ?? commonLabels) : String(input.groupKey),
    groupLabels: input.groupLabels ?? {},
    commonLabels,
    commonAnnotations: input.commonAnnotations ?? intersect(alerts.map((a) => a.annotations)),
    externalURL: input.externalURL ?? '',
    truncatedAlerts: input.truncatedAlerts ?? 0,
    alerts,
    originalBody: ctx.original,
  };
}

function fromAlerts(shape: InputShape, inputs: readonly AlertInput[], ctx: Context): Notification {
  const alerts = inputs.map((alert) => toAlert(alert, ctx.now));
  const commonLabels = intersect(alerts.map((a) => a.labels));
  const groupLabels: LabelSet = commonLabels.alertname === undefined ? {} : { alertname: commonLabels.alertname };
  return {
    id: ctx.id,
    receivedAt: ctx.now,
    shape,
    receiver: '',
    status: groupStatus(alerts),
    groupKey: groupKeyOf(groupLabels),
    groupLabels,
    commonLabels,
    commonAnnotations: intersect(alerts.map((a) => a.annotations)),
    externalURL: '',
    truncatedAlerts: 0,
    alerts,
    originalBody: ctx.original,
  };
}

function toAlert(input: AlertInput, now: Date): Alert {
  const endsAt = parseTime(input.endsAt);
  return {
    fingerprint: input.fingerprint || fingerprintOf(input.labels),
    // Prometheus sends no status: an alert whose endsAt has passed is resolved, as in Alertmanager.
    status: input.status ?? (endsAt !== null && endsAt.getTime() <= now.getTime() ? 'resolved' : 'firing'),
    labels: input.labels,
    annotations: input.annotations ?? {},
    startsAt: parseTime(input.startsAt) ?? now,
    endsAt,
    generatorURL: input.generatorURL ?? '',
  };
}

/** Go's zero time (`0001-01-01T00:00:00Z`) means "not set". */
function parseTime(value: string | undefined): Date | null {
  if (value === undefined) return null;
  const date = new Date(value);
  return date.getUTCFullYear() <= 1 ? null : date;
}

function groupStatus(alerts: readonly Alert[]): AlertStatus {
  return alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved';
}

/** The labels (or annotations) every alert shares with the same value, as Alertmanager computes commonLabels. */
function intersect(sets: readonly LabelSet[]): LabelSet {
  const [first, ...rest] = sets;
  if (first === undefined) return {};
  const common: Record<string, string> = {};
  for (const [name, value] of Object.entries(first)) {
    if (rest.every((set) => set[name] === value)) common[name] = value;
  }
  return common;
}

/** A readable key in Alertmanager's own form, `{}:{alertname="X"}`, for bodies that carry none. */
function groupKeyOf(labels: LabelSet): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`);
  return `{}:{${pairs.join(', ')}}`;
}

function validate<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues: ProblemDetail[] = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const first = issues[0];
  const summary = first ? `${first.path || 'body'}: ${first.message}` : 'invalid body';
  throw new ValidationError(
    `invalid alert payload (${issues.length} problem${issues.length === 1 ? '' : 's'}; first: ${summary})`,
    issues.slice(0, 50),
  );
}
