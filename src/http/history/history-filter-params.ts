import { OUTCOMES, type HistoryFilter, type Outcome } from '../../store/ports/history-filter.js';
import { MatcherSyntaxError, parseMatchers, type Matcher } from '../../model/matchers.js';
import { ValidationError } from '../http-errors.js';
import { refuseNul } from '../store-text.js';

type Query = Record<string, unknown>;

/**
 * The history API's filters from its query string: `matcher` (Alertmanager's syntax, one matcher
 * or a `{…}` list; repeat it to add more), `status`, `receiver`, `action`, `outcome`, `since` and `until` (RFC
 * 3339 or milliseconds since the epoch). Anything else it cannot read is a 400 naming the parameter.
 */
export function parseHistoryFilter(query: Query): HistoryFilter {
  const matchers = listOf(query, 'matcher').flatMap((text) => parseMatcherParam(text));
  const status = once(query, 'status');
  if (status !== undefined && status !== 'firing' && status !== 'resolved') invalid('status', 'firing or resolved');
  const outcome = once(query, 'outcome');
  if (outcome !== undefined && !(OUTCOMES as readonly string[]).includes(outcome)) invalid('outcome', OUTCOMES.join(', '));
  const action = once(query, 'action');
  const receiver = once(query, 'receiver');
  refuseNul(action, 'action');
  refuseNul(receiver, 'receiver');
  const since = timeOf(query, 'since');
  const until = timeOf(query, 'until');
  const filter: HistoryFilter = {
    ...(matchers.length > 0 ? { matchers } : {}),
    ...(status ? { status: status as 'firing' | 'resolved' } : {}),
    ...(action ? { action } : {}),
    ...(receiver ? { receiver } : {}),
    ...(outcome ? { outcome: outcome as Outcome } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
  };
  return filter;
}

function parseMatcherParam(text: string): Matcher[] {
  try {
    const matchers = parseMatchers(text);
    for (const matcher of matchers) {
      refuseNul(matcher.name, 'matcher');
      refuseNul(matcher.value, 'matcher');
    }
    return matchers;
  } catch (error) {
    if (error instanceof MatcherSyntaxError) throw new ValidationError(error.message, [{ path: 'matcher', message: error.message }]);
    throw error;
  }
}

function listOf(query: Query, name: string): string[] {
  const value = query[name];
  if (value === undefined || value === '') return [];
  const values = Array.isArray(value) ? value : [value];
  if (!values.every((v): v is string => typeof v === 'string')) invalid(name, 'text');
  return (values as string[]).filter((v) => v.trim() !== '');
}

function once(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new ValidationError(`${name} must be given once`, [{ path: name, message: 'repeated' }]);
  return value;
}

function timeOf(query: Query, name: string): number | undefined {
  const text = once(query, name);
  if (text === undefined) return undefined;
  const at = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(at)) invalid(name, 'an RFC 3339 time or milliseconds since the epoch');
  return at;
}

function invalid(name: string, expected: string): never {
  throw new ValidationError(`${name} must be ${expected}`, [{ path: name, message: `expected ${expected}` }]);
}
