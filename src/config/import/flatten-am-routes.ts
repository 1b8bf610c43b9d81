import { MatcherSyntaxError, parseMatchers, type Matcher } from '../../model/matchers.js';
import { ALWAYS, and, andNot, matcherText, type Condition } from './route-conditions.js';

/** One alertpipe route made from an Alertmanager route: its receiver, where it came from. */
export interface FlatRoute {
  readonly matchers: readonly string[];
  readonly receiver: string;
  /** `route.routes[1].routes[0]`: the Alertmanager route it stands for. */
  readonly from: string;
}

export interface FlattenedRoutes {
  readonly routes: FlatRoute[];
  readonly notes: string[];
}

// Past this many alternatives for one route, the tree is too tangled to spell out as flat routes.
const MAX_ALTERNATIVES = 64;

type Node = Readonly<Record<string, unknown>>;

/**
 * Alertmanager's route tree as alertpipe's flat route list, giving each alert the same receivers.
 * Alertmanager descends into the first child that matches, goes on to later siblings only when it
 * says `continue`, and uses a route's own receiver only when none of its children matched. Every
 * route here says `continue: true` and carries, besides its own matchers and those of its
 * ancestors (ANDed down the tree), the negation of each earlier sibling without `continue` and,
 * for a route's own receiver, of each of its children; the order of the tree is kept.
 */
export function flattenRoutes(root: Node): FlattenedRoutes {
  const routes: FlatRoute[] = [];
  const notes: string[] = [];
  const rootReceiver = typeof root.receiver === 'string' ? root.receiver : '';
  walk(root, 'route', ALWAYS, rootReceiver, routes, notes);
  return { routes, notes };
}

function walk(node: Node, from: string, reached: Condition, receiver: string, out: FlatRoute[], notes: string[]): void {
  const own = typeof node.receiver === 'string' ? node.receiver : receiver;
  for (const key of ['mute_time_intervals', 'active_time_intervals'] as const) {
    if (node[key] !== undefined) notes.push(`${from}.${key}: kept by Alertmanager, which still routes and groups`);
  }
  const children = Array.isArray(node.routes) ? (node.routes as Node[]) : [];
  let siblingsBefore = reached; // reached, and no earlier child without `continue` matched
  let noChild = reached; // reached, and no child matched at all
  children.forEach((child, index) => {
    const childMatchers = matchersOf(child, `${from}.routes[${index}]`);
    walk(child, `${from}.routes[${index}]`, and(siblingsBefore, childMatchers), own, out, notes);
    if (child.continue !== true) siblingsBefore = andNot(siblingsBefore, childMatchers);
    noChild = andNot(noChild, childMatchers);
  });
  if (noChild.length > MAX_ALTERNATIVES) {
    notes.push(`${from}: needs ${noChild.length} alertpipe routes to say exactly; not carried over: route it by hand`);
    return;
  }
  for (const alternative of noChild) out.push({ matchers: alternative.map(matcherText), receiver: own, from });
}

/** A route matcher that does not parse, with the route it is on. */
export class RouteMatcherError extends Error {
  constructor(
    readonly route: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'RouteMatcherError';
  }
}

/** A route's `match`, `match_re` and `matchers`, all ANDed, as Alertmanager reads them. */
export function matchersOf(node: Node, from: string): Matcher[] {
  const found: Matcher[] = [];
  const parse = (text: string): void => {
    try {
      found.push(...parseMatchers(text));
    } catch (error) {
      if (error instanceof MatcherSyntaxError) throw new RouteMatcherError(from, error.message);
      throw error;
    }
  };
  const pairs = (value: unknown, operator: '=' | '=~'): void => {
    if (value === null || typeof value !== 'object') return;
    for (const [name, v] of Object.entries(value)) parse(matcherText({ name, operator, value: String(v) }));
  };
  pairs(node.match, '=');
  pairs(node.match_re, '=~');
  if (Array.isArray(node.matchers)) for (const text of node.matchers) parse(String(text));
  else if (typeof node.matchers === 'string') parse(node.matchers);
  return found;
}
