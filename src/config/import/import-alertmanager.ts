import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../lib/config-error.js';
import { alertmanagerForAlertpipe } from './alertmanager-for-alertpipe.js';
import { flattenRoutes, RouteMatcherError, type FlattenedRoutes } from './flatten-am-routes.js';
import { translateReceiver } from './translate-receiver.js';

type Node = Record<string, unknown>;

/** What `alertpipe import` makes of an alertmanager.yml, before it is written out with its comments. */
export interface ImportedConfig {
  readonly actions: Record<string, Record<string, unknown>>;
  /** Notes per action, shown above it. */
  readonly actionNotes: ReadonlyMap<string, readonly string[]>;
  /** Actions of types this build does not have: shown commented out, with their notes. */
  readonly unavailable: ReadonlyMap<string, { section: Record<string, unknown>; notes: readonly string[] }>;
  readonly routes: { matchers: string[]; actions: string[]; continue: true }[];
  /** Per route, the Alertmanager route it stands for. */
  readonly routeNotes: readonly string[];
  /** Everything else that did not carry over, shown at the top. */
  readonly notes: readonly string[];
  /** The receiver each action came from, for comparing routes with Alertmanager's. */
  readonly receiverOf: ReadonlyMap<string, string>;
  /** The Alertmanager config that sends to alertpipe. */
  readonly alertmanager: Node;
}

const STAYS_IN_ALERTMANAGER =
  'group_by, group_wait, group_interval, repeat_interval, inhibit_rules and mute/active time intervals stay in Alertmanager: it still groups, times and inhibits, then sends each group to alertpipe, which routes each alert as below';

/** Reads an alertmanager.yml's text into alertpipe's actions and routes (see docs/import.md). */
export function importAlertmanager(text: string, file: string, ingestUrl: string): ImportedConfig {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new ConfigError(file, [{ path: '', message: `not YAML: ${(error as Error).message}` }]);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(file, [{ path: '', message: 'expected an Alertmanager config (a mapping with route and receivers)' }]);
  }
  const source = parsed as Node;
  if (source.route === null || typeof source.route !== 'object')
    throw new ConfigError(file, [{ path: 'route', message: 'an Alertmanager config needs a route' }]);
  if (!Array.isArray(source.receivers))
    throw new ConfigError(file, [{ path: 'receivers', message: 'an Alertmanager config needs receivers' }]);
  const global = (source.global ?? {}) as Node;
  const notes: string[] = [STAYS_IN_ALERTMANAGER];
  if (global.http_config !== undefined)
    notes.push("global.http_config (proxy, TLS, auth of Alertmanager's HTTP client) dropped: alertpipe actions do not take it");
  if (global.resolve_timeout !== undefined)
    notes.push('global.resolve_timeout stays in Alertmanager: it resolves alerts that come without an end before sending them on');
  if (source.templates !== undefined)
    notes.push(
      "templates: Alertmanager's Go template files are not read; alertpipe's message templates are Liquid (docs/integrations/chat.md)",
    );

  const actions: Record<string, Record<string, unknown>> = {};
  const actionNotes = new Map<string, string[]>();
  const unavailable = new Map<string, { section: Record<string, unknown>; notes: string[] }>();
  const receiverOf = new Map<string, string>();
  const actionsOf = new Map<string, string[]>();
  const whole = new Set<string>();
  const partial = new Map<string, Set<string>>();
  const taken = new Set(['log']); // the built-in action routes may always name

  (source.receivers as Node[]).forEach((receiver, index) => {
    const receiverName = String(receiver.name ?? `receiver-${index + 1}`);
    const entries = Object.entries(receiver)
      .filter(([key, value]) => key.endsWith('_configs') && Array.isArray(value))
      .flatMap(([kind, list]) => (list as Node[]).map((entry) => ({ kind, entry })));
    const live: string[] = [];
    const left = new Set<string>();
    entries.forEach(({ kind, entry }, n) => {
      const name = unique(actionName(receiverName, entries.length > 1 ? n + 1 : undefined), taken);
      const translated = translateReceiver(kind, entry, global);
      const where = `receiver ${receiverName}, ${kind}[${entries.slice(0, n).filter((e) => e.kind === kind).length}]`;
      if (translated.section === undefined) {
        left.add(kind);
        notes.push(`${where}: ${translated.notes.join('; ')}`);
        return;
      }
      taken.add(name);
      receiverOf.set(name, receiverName);
      if (translated.unavailable) {
        left.add(kind);
        unavailable.set(name, { section: translated.section, notes: [`from ${where}`, ...translated.notes] });
        return;
      }
      actions[name] = translated.section;
      actionNotes.set(name, [`from ${where}`, ...translated.notes]);
      live.push(name);
    });
    actionsOf.set(receiverName, live);
    if (live.length > 0 && left.size === 0) whole.add(receiverName);
    else if (live.length > 0) partial.set(receiverName, left);
  });

  let flat: FlattenedRoutes;
  try {
    flat = flattenRoutes(source.route as Node);
  } catch (error) {
    if (error instanceof RouteMatcherError) throw new ConfigError(file, [{ path: error.route, message: error.message }]);
    throw error;
  }
  notes.push(...flat.notes);
  const routes: ImportedConfig['routes'] = [];
  const routeNotes: string[] = [];
  const silent = new Set<string>();
  for (const route of flat.routes) {
    const targets = actionsOf.get(route.receiver) ?? [];
    if (targets.length === 0) {
      silent.add(route.receiver);
      continue;
    }
    routes.push({ matchers: [...route.matchers], actions: targets, continue: true });
    routeNotes.push(`${route.from} (receiver ${route.receiver})`);
  }
  for (const receiver of silent) {
    notes.push(`receiver ${receiver} has no action alertpipe runs: the alerts Alertmanager gives it get no route here (it keeps them)`);
  }
  const alertmanager = alertmanagerForAlertpipe(source, { whole, partial }, ingestUrl);
  return { actions, actionNotes, unavailable, routes, routeNotes, notes, receiverOf, alertmanager };
}

// Action names are letters, digits, `_`, `.` and `-`, starting with a letter or digit.
function actionName(receiver: string, index: number | undefined): string {
  let base = receiver.replace(/[^A-Za-z0-9_.-]+/g, '-');
  if (!/^[A-Za-z0-9]/.test(base)) base = `receiver${base.startsWith('-') ? '' : '-'}${base}`;
  return index === undefined ? base : `${base}-${index}`;
}

function unique(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  let n = 2;
  while (taken.has(`${name}-${n}`)) n++;
  return `${name}-${n}`;
}
