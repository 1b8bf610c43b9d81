import type { LabelSet } from '../model/model.js';

/** A matcher as Alertmanager's API v2 takes it in a silence. */
export interface SilenceMatcher {
  readonly name: string;
  readonly value: string;
  readonly isRegex: boolean;
  readonly isEqual: boolean;
}

/**
 * Matchers that select the group's alerts and nothing unrelated: every label all the alerts share,
 * as `=`, and for each label whose value differs between them, `=~` the alternation of the values
 * seen (Alertmanager anchors the regex; an empty alternative matches an alert without the label).
 * A silence's matchers are ANDed, so this can also take an alert that mixes values of two of the
 * group's alerts (pod of one, container of another); nothing outside the group's label values.
 */
export function groupSilenceMatchers(alerts: ReadonlyArray<{ readonly labels: LabelSet }>): SilenceMatcher[] {
  const names = [...new Set(alerts.flatMap((alert) => Object.keys(alert.labels)))].sort();
  const matchers: SilenceMatcher[] = [];
  for (const name of names) {
    const values = [...new Set(alerts.map((alert) => alert.labels[name] ?? ''))].sort();
    if (values.length === 1) {
      // An empty value would match every alert without the label: only a shared, real value is kept.
      if (values[0] !== '') matchers.push({ name, value: values[0] as string, isRegex: false, isEqual: true });
      continue;
    }
    matchers.push({ name, value: values.map(escapeRegex).join('|'), isRegex: true, isEqual: true });
  }
  return matchers;
}

/** `name="value"` / `name=~"a|b"`: how amtool and the Alertmanager UI write a matcher. */
export function matcherText(matcher: SilenceMatcher): string {
  return `${matcher.name}${matcher.isEqual ? '' : '!'}${matcher.isRegex ? '=~' : '='}${JSON.stringify(matcher.value)}`;
}

function escapeRegex(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
