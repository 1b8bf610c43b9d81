import type { LabelSet } from './model.js';

/**
 * A label's value, `''` when the alert has no such label (Prometheus's own rule: an empty label is
 * no label). Only own properties count: `constructor`, `toString` and `__proto__` are legal label
 * names, and `labels.constructor` on an alert without one would be Object's constructor.
 */
export function labelValue(labels: LabelSet, name: string): string {
  return Object.hasOwn(labels, name) ? (labels[name] as string) : '';
}

/** Label sets from an upstream answer, keeping only string values: nothing else is a label. */
export function stringRecord(value: object): Record<string, string> {
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
