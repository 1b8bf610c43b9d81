import type { LabelSet } from './model.js';

/**
 * A label's value, `''` when the alert has no such label (Prometheus's own rule: an empty label is
 * no label). Only own properties count: `constructor`, `toString` and `__proto__` are legal label
 * names, and `labels.constructor` on an alert without one would be Object's constructor.
 */
export function labelValue(labels: LabelSet, name: string): string {
  return Object.hasOwn(labels, name) ? (labels[name] as string) : '';
}
