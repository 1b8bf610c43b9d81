import type { StringMap } from './input-schemas.js';

/**
 * Sizes past which a field is cut. They protect the process and every later stage (Slack, the
 * store, logs) from one sender's megabytes; they never cost an alert: what is too big is cut or
 * left out, the alert keeps its fingerprint (computed from the labels as sent), and a note on the
 * alert and `alertpipe_alert_fields_truncated_total{field}` say what happened.
 */
export const INPUT_LIMITS = {
  labelsPerAlert: 128,
  annotationsPerAlert: 128,
  nameLength: 256,
  labelValueLength: 4096,
  annotationValueLength: 65536,
  urlLength: 65536,
  fingerprintLength: 64,
  textLength: 4096,
} as const;

/** The `field` label of `alertpipe_alert_fields_truncated_total`. */
export type TruncatedField =
  | 'label_value'
  | 'label_name'
  | 'labels'
  | 'annotation_value'
  | 'annotation_name'
  | 'annotations'
  | 'generator_url'
  | 'fingerprint'
  | 'receiver'
  | 'external_url';

/** Told of every cut: what was cut, and a sentence for the alert's notes. */
export type OnCut = (field: TruncatedField, note: string) => void;

interface MapRules {
  readonly kind: 'label' | 'annotation';
  readonly maxEntries: number;
  readonly maxValue: number;
  /** Alertmanager drops labels with empty values (an empty label is no label in Prometheus). */
  readonly dropEmpty: boolean;
}

const LABELS: MapRules = {
  kind: 'label',
  maxEntries: INPUT_LIMITS.labelsPerAlert,
  maxValue: INPUT_LIMITS.labelValueLength,
  dropEmpty: true,
};
const ANNOTATIONS: MapRules = {
  kind: 'annotation',
  maxEntries: INPUT_LIMITS.annotationsPerAlert,
  maxValue: INPUT_LIMITS.annotationValueLength,
  dropEmpty: false,
};

/** Labels within the limits, without empty values; the same object when nothing had to change. */
export function limitLabels(labels: StringMap, onCut: OnCut): StringMap {
  return limitMap(labels, LABELS, onCut);
}

/** Annotations within the limits; the same object when nothing had to change. */
export function limitAnnotations(annotations: StringMap, onCut: OnCut): StringMap {
  return limitMap(annotations, ANNOTATIONS, onCut);
}

function limitMap(map: StringMap, rules: MapRules, onCut: OnCut): StringMap {
  const names = Object.keys(map);
  if (!needsWork(map, names, rules)) return map;
  const entries: [string, string][] = [];
  const left: string[] = [];
  for (const name of names) {
    const value = map[name] as string;
    if (rules.dropEmpty && value === '') continue;
    if (name === '' || name.length > INPUT_LIMITS.nameLength) {
      onCut(
        `${rules.kind}_name`,
        `${rules.kind} named ${quote(name)} (${name.length} characters) left out: names are 1 to ${INPUT_LIMITS.nameLength} characters`,
      );
      continue;
    }
    if (entries.length >= rules.maxEntries && !(rules.kind === 'label' && name === 'alertname')) {
      left.push(name);
      continue;
    }
    if (value.length > rules.maxValue) {
      onCut(`${rules.kind}_value`, `${rules.kind} ${quote(name)} cut from ${value.length} to ${rules.maxValue} characters`);
      entries.push([name, cutText(value, rules.maxValue)]);
    } else {
      entries.push([name, value]);
    }
  }
  if (left.length > 0) {
    const shown = left.slice(0, 5).map(quote).join(', ');
    onCut(
      `${rules.kind}s`,
      `${left.length} ${rules.kind}s past the first ${rules.maxEntries} left out (${shown}${left.length > 5 ? ', …' : ''})`,
    );
  }
  // fromEntries defines own properties: a `__proto__` or `constructor` name stays plain data.
  return Object.fromEntries(entries);
}

/** One pass that allocates nothing: most alerts need no change at all. */
function needsWork(map: StringMap, names: readonly string[], rules: MapRules): boolean {
  if (names.length > rules.maxEntries) return true;
  for (const name of names) {
    const value = map[name] as string;
    if (value.length > rules.maxValue || (rules.dropEmpty && value === '')) return true;
    if (name === '' || name.length > INPUT_LIMITS.nameLength) return true;
  }
  return false;
}

/** The first `limit` characters, ending in `…`, never splitting a surrogate pair. */
export function cutText(value: string, limit: number): string {
  let end = limit - 1;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${value.slice(0, end)}…`;
}

function quote(name: string): string {
  return JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
}
