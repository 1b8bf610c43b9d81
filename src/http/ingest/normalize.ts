import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Alert, AlertStatus, InputShape, LabelSet, Notification } from '../../model/model.js';
import { ValidationError, type ProblemDetail } from '../http-errors.js';
import { alertArraySchema, alertSchema, webhookSchema, type AlertInput, type WebhookInput } from './input-schemas.js';
import { cutText, INPUT_LIMITS, limitAnnotations, limitLabels, type OnCut, type TruncatedField } from './limit-alert-fields.js';
import { readAlert, readAlerts, readWebhook } from './read-hot-shapes.js';
import { mergeDuplicateAlerts } from './merge-duplicate-alerts.js';
import { keepValidAlerts, type LeftOutAlerts } from './keep-valid-alerts.js';
import { toAlert } from './to-alert.js';

export interface NormalizeOptions {
  /** The moment of receipt; decides the status of alerts that carry only `endsAt`. */
  now?: Date;
  /** Injected for tests; a random UUID otherwise. */
  id?: string;
  /** The request body's text, kept for actions that forward it; JSON of `body` when absent. */
  originalBody?: string;
  /** Told of every field cut to the limits (for `alertpipe_alert_fields_truncated_total`). */
  onTruncated?: (field: TruncatedField) => void;
  /**
   * Given, the invalid alerts of a list are left out and reported here, and the valid ones kept
   * (see keep-valid-alerts.ts); absent, one invalid alert refuses the body.
   */
  onLeftOut?: (leftOut: LeftOutAlerts) => void;
}

/**
 * Turns any of the accepted shapes into one `Notification`: an Alertmanager webhook body (v4, v3, or
 * without `version`), a single bare alert, or a bare array of alerts as Prometheus sends them.
 * Throws `ValidationError` listing every problem with its path, only for what is not an alert:
 * fields past the limits are cut (see limit-alert-fields.ts), never refused.
 */
export function normalize(body: unknown, options: NormalizeOptions = {}): Notification {
  const now = options.now ?? new Date();
  const id = options.id ?? randomUUID();
  const original = options.originalBody ?? JSON.stringify(body) ?? '';
  const ctx: Context = { id, now, original, onTruncated: options.onTruncated };
  const list = <T extends z.ZodType>(schema: T, at: readonly string[]): z.infer<T> =>
    options.onLeftOut ? validateKeeping(schema, body, at, options.onLeftOut) : validate(schema, body);
  if (Array.isArray(body)) {
    return fromAlerts('alert-array', readAlerts(body) ?? list(alertArraySchema, []), ctx, String);
  }
  if (body !== null && typeof body === 'object') {
    // The hot shapes are read without zod when plainly right; zod decides, and words, the rest.
    if ('alerts' in body) return fromWebhook(readWebhook(body) ?? list(webhookSchema, ['alerts']), ctx);
    return fromAlerts('single-alert', [readAlert(body) ?? validate(alertSchema, body)], ctx, () => '');
  }
  throw new ValidationError('expected a JSON object (an alert or an Alertmanager notification) or an array of alerts', [
    { path: '', message: `received ${body === null ? 'null' : typeof body}` },
  ]);
}

interface Context {
  readonly id: string;
  readonly now: Date;
  readonly original: string;
  readonly onTruncated: ((field: TruncatedField) => void) | undefined;
}

function fromWebhook(input: WebhookInput, ctx: Context): Notification {
  const alerts = mergeDuplicateAlerts(
    input.alerts.map((alert) => toAlert(alert, ctx.now, ctx.onTruncated)),
    (i) => `alerts.${i}`,
  );
  // The group's own fields have no alert to carry a note: the metric alone tells of a cut.
  const onCut: OnCut = (field) => ctx.onTruncated?.(field);
  const commonLabels = input.commonLabels ? limitLabels(input.commonLabels, onCut) : intersect(alerts.map((a) => a.labels));
  const groupLabels = input.groupLabels ? limitLabels(input.groupLabels, onCut) : {};
  return {
    id: ctx.id,
    receivedAt: ctx.now,
    shape: 'alertmanager',
    receiver: limitText(input.receiver, 'receiver', ctx),
    status: input.status ?? groupStatus(alerts),
    groupKey:
      input.groupKey === undefined || input.groupKey === null
        ? groupKeyOf(input.groupLabels ? groupLabels : commonLabels)
        : String(input.groupKey),
    groupLabels,
    commonLabels,
    commonAnnotations: input.commonAnnotations
      ? limitAnnotations(input.commonAnnotations, onCut)
      : intersect(alerts.map((a) => a.annotations)),
    externalURL: limitText(input.externalURL, 'external_url', ctx),
    truncatedAlerts: input.truncatedAlerts ?? 0,
    alerts,
    originalBody: ctx.original,
  };
}

function limitText(value: string | null | undefined, field: TruncatedField, ctx: Context): string {
  if (!value) return '';
  if (value.length <= INPUT_LIMITS.textLength) return value;
  ctx.onTruncated?.(field);
  return cutText(value, INPUT_LIMITS.textLength);
}

function fromAlerts(shape: InputShape, inputs: readonly AlertInput[], ctx: Context, pathOf: (index: number) => string): Notification {
  const alerts = mergeDuplicateAlerts(
    inputs.map((alert) => toAlert(alert, ctx.now, ctx.onTruncated)),
    pathOf,
  );
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

function groupStatus(alerts: readonly Alert[]): AlertStatus {
  return alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved';
}

/** The labels (or annotations) every alert shares with the same value, as Alertmanager computes commonLabels. */
function intersect(sets: readonly LabelSet[]): LabelSet {
  const [first, ...rest] = sets;
  if (first === undefined) return {};
  if (rest.length === 0) return first;
  // fromEntries, not assignment: a label named `__proto__` must stay a label.
  return Object.fromEntries(Object.entries(first).filter(([name, value]) => rest.every((set) => set[name] === value)));
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
  throw refusal(result.error.issues);
}

function validateKeeping<T extends z.ZodType>(
  schema: T,
  body: unknown,
  at: readonly string[],
  onLeftOut: (l: LeftOutAlerts) => void,
): z.infer<T> {
  const result = keepValidAlerts(schema, body, at);
  if (!result.ok) throw refusal(result.issues);
  if (result.leftOut) onLeftOut(result.leftOut);
  return result.value;
}

function refusal(zodIssues: readonly z.core.$ZodIssue[]): ValidationError {
  const issues: ProblemDetail[] = zodIssues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const first = issues[0];
  const summary = first ? `${first.path || 'body'}: ${first.message}` : 'invalid body';
  return new ValidationError(
    `invalid alert payload (${issues.length} problem${issues.length === 1 ? '' : 's'}; first: ${summary})`,
    issues.slice(0, 50),
  );
}
