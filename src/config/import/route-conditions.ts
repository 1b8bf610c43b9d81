import { parseMatchers, type Matcher, type MatchOperator } from '../../model/matchers.js';

/**
 * The condition under which an Alertmanager route's receiver gets an alert, as alertpipe routes
 * can say it: a list of alternatives (any one suffices), each a list of matchers (all must hold).
 * Alertmanager's "an earlier sibling matched" becomes the negation of that sibling's matchers,
 * which is one alternative per matcher it has; each alternative is one alertpipe route.
 */
export type Condition = readonly (readonly Matcher[])[];

export const ALWAYS: Condition = [[]];

const NEGATED: Readonly<Record<MatchOperator, MatchOperator>> = { '=': '!=', '!=': '=', '=~': '!~', '!~': '=~' };

/** The matcher as a route writes it: `name="value"`, the value quoted so any text survives. */
export function matcherText(matcher: Pick<Matcher, 'name' | 'operator' | 'value'>): string {
  const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(matcher.name) ? matcher.name : JSON.stringify(matcher.name);
  return `${name}${matcher.operator}${JSON.stringify(matcher.value)}`;
}

/** Both hold. */
export function and(condition: Condition, matchers: readonly Matcher[]): Condition {
  return simplify(condition.map((alternative) => [...alternative, ...matchers]));
}

/** `condition` holds and not all of `matchers` do; with no matchers (they always hold), never. */
export function andNot(condition: Condition, matchers: readonly Matcher[]): Condition {
  const negations = matchers.map((m) => parseMatchers(matcherText({ ...m, operator: NEGATED[m.operator] }))[0] as Matcher);
  return simplify(condition.flatMap((alternative) => negations.map((negation) => [...alternative, negation])));
}

/**
 * Drops the alternatives that cannot hold and the matchers another makes redundant: beside
 * `a="x"`, any other matcher on `a` is either implied by it or contradicts it, which the value
 * itself decides (a missing label is the empty string, as in Alertmanager).
 */
function simplify(condition: Condition): Condition {
  const result: Matcher[][] = [];
  const seen = new Set<string>();
  for (const alternative of condition) {
    const reduced = reduce(alternative);
    if (reduced === undefined) continue;
    const key = reduced.map(matcherText).sort().join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(reduced);
  }
  return result;
}

function reduce(alternative: readonly Matcher[]): Matcher[] | undefined {
  const unique = new Map<string, Matcher>();
  for (const matcher of alternative) unique.set(matcherText(matcher), matcher);
  const equalities = new Map<string, string>();
  for (const m of unique.values()) {
    if (m.operator !== '=') continue;
    const other = equalities.get(m.name);
    if (other !== undefined && other !== m.value) return undefined;
    equalities.set(m.name, m.value);
  }
  const kept: Matcher[] = [];
  for (const m of unique.values()) {
    const value = equalities.get(m.name);
    if (value === undefined || m.operator === '=') {
      kept.push(m);
      continue;
    }
    if (!m.matches({ [m.name]: value })) return undefined; // contradicts the equality
  }
  // `a=~R` with `a!~R` cannot both hold.
  for (const m of kept) {
    if (m.operator === '=~' && unique.has(matcherText({ ...m, operator: '!~' }))) return undefined;
  }
  return kept;
}
