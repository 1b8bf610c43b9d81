import type { LabelSet } from '../model/model.js';
import { escapeRegex } from '../lib/escape.js';

/** A matcher as Alertmanager's API v2 takes it in a silence. */
export interface SilenceMatcher {
  readonly name: string;
  readonly value: string;
  readonly isRegex: boolean;
  readonly isEqual: boolean;
}

/**
 * Matchers that select the group's alerts and nothing unrelated, over the labels every alert of the
 * group has: `=` where they share the value, and `=~` the alternation of the values seen where they
 * differ (Alertmanager anchors the regex). No matcher ever matches the empty string, that is an
 * alert without the label: a label some alert lacks is left out, since `=~"|db1"` would take every
 * alert without it. A silence's matchers are ANDed, so this can also take an alert that mixes
 * values of two of the group's alerts (pod of one, container of another), and an alert with labels
 * the group's alerts did not all have; nothing outside the group's values of the labels kept.
 * Alerts that share no label get no matchers: no silence holds only them.
 */
export function groupSilenceMatchers(alerts: ReadonlyArray<{ readonly labels: LabelSet }>): SilenceMatcher[] {
  // An empty value is no label at all, as Prometheus has it.
  const has = (alert: { readonly labels: LabelSet }, name: string): boolean => (alert.labels[name] ?? '') !== '';
  const names = [...new Set(alerts.flatMap((alert) => Object.keys(alert.labels)))]
    .filter((name) => alerts.every((a) => has(a, name)))
    .sort();
  return names.map((name) => {
    const values = [...new Set(alerts.map((alert) => alert.labels[name] as string))].sort();
    return values.length === 1
      ? { name, value: values[0] as string, isRegex: false, isEqual: true }
      : { name, value: values.map(escapeRegex).join('|'), isRegex: true, isEqual: true };
  });
}

/** `name="value"` / `name=~"a|b"`: how amtool and the Alertmanager UI write a matcher. */
export function matcherText(matcher: SilenceMatcher): string {
  return `${matcher.name}${matcher.isEqual ? '' : '!'}${matcher.isRegex ? '=~' : '='}${JSON.stringify(matcher.value)}`;
}
