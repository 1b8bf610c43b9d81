import type { LabelSet } from '../model/model.js';

// `{{ namespace }}` or, as people write it in Prometheus rules, `{{ $labels.namespace }}`.
const PLACEHOLDER = /\{\{\s*(?:\$labels\.)?([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * A string that may take values from an alert's labels, e.g. `{{ namespace }}/{{ deployment }}`.
 * Rendering fails (returns the missing label) rather than producing a half-empty name: a scale
 * target or a PagerDuty source built from an absent label would point at the wrong thing.
 */
export function renderLabelTemplate(template: string, labels: LabelSet): { value: string } | { missing: string } {
  let missing: string | undefined;
  const value = template.replace(PLACEHOLDER, (_match, name: string) => {
    const label = Object.hasOwn(labels, name) ? labels[name] : undefined;
    if (label === undefined || label === '') missing ??= name;
    return label ?? '';
  });
  return missing === undefined ? { value } : { missing };
}
