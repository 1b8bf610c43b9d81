import { RE2JS } from 're2js';
import { z } from 'zod';
import { issuesToProblems } from '../lib/issue-problems.js';
import { durationSchema } from '../lib/units.js';
import type { AlertmanagerClient } from '../alertmanager/alertmanager-client.js';
import type { Enricher } from './enricher.js';
import { createGraphEnricher } from './graph/graph-enricher.js';
import { createNodeResourcesEnricher } from './node-resources/node-resources-enricher.js';
import { createPodResourcesEnricher } from './pod-resources/pod-resources-enricher.js';
import { createRelatedAlertsEnricher } from './related-alerts/related-alerts-enricher.js';
import { createRestartsEnricher } from './restarts/restarts-enricher.js';
import { createWorkloadEnricher } from './workload/workload-enricher.js';

// A PromQL duration for rate() and range selectors: `5m`, `90s`, `6h`.
const promqlDuration = z.string().regex(/^\d+(ms|s|m|h|d|w|y)$/, 'expected a PromQL duration such as 5m');
const toSeconds = (ms: number): number => Math.max(1, Math.round(ms / 1000));
// A regex from the config, found anywhere in the value and case-insensitive; RE2, as route matchers
// are, so no pattern can stall the event loop.
const regexSource = z.string().transform((source, ctx) => {
  try {
    const compiled = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
    return { source, test: (value: string): boolean => compiled.matcher(value).find() };
  } catch {
    ctx.addIssue({ code: 'custom', message: 'expected a regular expression in RE2 syntax' });
    return z.NEVER;
  }
});

/** What built-ins may need besides their options: other upstreams and alertpipe's own address. */
export interface BuiltinEnricherDeps {
  readonly alertmanager?: AlertmanagerClient;
  /** `server.external_url`: where the people reading a message reach alertpipe. */
  readonly externalUrl?: string;
}

/** A built-in enricher: the schema of its `options` (typed in the config's JSON Schema) and its factory. */
interface BuiltinEnricher<S extends z.ZodType> {
  readonly options: S;
  /** What it asks Prometheus (and Alertmanager) for, said in the start-up log and docs/enrichers.md. */
  readonly cost: string;
  create(options: z.output<S>, deps: BuiltinEnricherDeps): Enricher;
}

function builtin<S extends z.ZodType>(entry: BuiltinEnricher<S>): BuiltinEnricher<S> {
  return entry;
}

/**
 * The enrichers that ship with alertpipe, by the name the config uses. Adding one is a folder
 * beside this file and one entry here; its options then complete in editors and are checked at start.
 */
const BUILTIN = {
  'pod-resources': builtin({
    cost: '2 queries per notification (one instant, one range), for any number of pods',
    options: z
      .object({
        /** The rate() window; keep it at least four scrape intervals. */
        rate_window: promqlDuration.default('5m'),
        /** How far back the sparklines reach. */
        history: durationSchema.default(3_600_000),
        /** The sparklines' step. */
        step: durationSchema.default(180_000),
      })
      .strict(),
    create: (o) =>
      createPodResourcesEnricher({ rateWindow: o.rate_window, historySeconds: toSeconds(o.history), stepSeconds: toSeconds(o.step) }),
  }),
  'node-resources': builtin({
    cost: "4 queries per notification, for any number of nodes, and 1 to find a pod's node",
    options: z
      .object({
        rate_window: promqlDuration.default('5m'),
        /** The window whose trend says when the root filesystem will be full. */
        fill_window: promqlDuration.default('6h'),
      })
      .strict(),
    create: (o) => createNodeResourcesEnricher({ rateWindow: o.rate_window, fillWindow: o.fill_window }),
  }),
  'related-alerts': builtin({
    cost: "1 query and 1 call to /api/v1/alerts per notification (+1 to Alertmanager's /api/v2/alerts with ALERTMANAGER_URL)",
    options: z.object({ /** Alert names listed before "and N more". */ max_names: z.number().int().positive().default(6) }).strict(),
    create: (o, deps) =>
      createRelatedAlertsEnricher({ maxNames: o.max_names, ...(deps.alertmanager ? { alertmanager: deps.alertmanager } : {}) }),
  }),
  restarts: builtin({
    cost: '2 queries per notification (3 with a CPU alert), for any number of pods',
    options: z
      .object({
        window: promqlDuration.default('1h'),
        rate_window: promqlDuration.default('5m'),
        /** Alert names that get CPU throttling too. */
        cpu_alerts: regexSource.prefault('cpu|throttl'),
      })
      .strict(),
    create: (o) => createRestartsEnricher({ window: o.window, rateWindow: o.rate_window, cpuAlerts: o.cpu_alerts }),
  }),
  workload: builtin({
    cost: '4 queries per notification, for any number of pods',
    options: z.object({ history: durationSchema.default(3_600_000), step: durationSchema.default(60_000) }).strict(),
    create: (o) => createWorkloadEnricher({ historySeconds: toSeconds(o.history), stepSeconds: toSeconds(o.step) }),
  }),
  graph: builtin({
    cost: "0 queries for pods (pod-resources' own, answered once), 3 per notification for nodes; the PNG is drawn when its link is opened",
    options: z
      .object({
        rate_window: promqlDuration.default('5m'),
        history: durationSchema.default(3_600_000),
        step: durationSchema.default(180_000),
      })
      .strict(),
    create: (o, deps) =>
      createGraphEnricher({
        rateWindow: o.rate_window,
        historySeconds: toSeconds(o.history),
        stepSeconds: toSeconds(o.step),
        ...(deps.externalUrl ? { externalUrl: deps.externalUrl } : {}),
      }),
  }),
};

export type BuiltinEnricherName = keyof typeof BUILTIN;

export const BUILTIN_ENRICHER_NAMES = Object.keys(BUILTIN) as BuiltinEnricherName[];

/**
 * Used when the config names no enrichers and a Prometheus is configured: all of them, since each
 * looks only at the alerts it applies to and asks a fixed number of queries per notification.
 */
export const DEFAULT_ENRICHERS: readonly BuiltinEnricherName[] = BUILTIN_ENRICHER_NAMES;

/** What a built-in costs Prometheus, in words; undefined for an enricher module of your own. */
export function builtinEnricherCost(name: string): string | undefined {
  return isBuiltinEnricher(name) ? BUILTIN[name].cost : undefined;
}

export function isBuiltinEnricher(name: string): name is BuiltinEnricherName {
  return Object.hasOwn(BUILTIN, name);
}

/**
 * One config entry schema per built-in, `{ name: 'pod-resources', timeout?, options? }` with its
 * options typed, for the config schema (so the JSON Schema completes them). Their parsed entries
 * hold parsed options.
 */
export function builtinEnricherEntrySchemas<T extends z.ZodType>(timeout: T) {
  const entrySchema = <S extends z.ZodType>(name: string, entry: BuiltinEnricher<S>) =>
    z.object({ name: z.literal(name), timeout: timeout.optional(), options: entry.options.prefault({} as z.input<S>) }).strict();
  return BUILTIN_ENRICHER_NAMES.map((name) => entrySchema(name, BUILTIN[name] as BuiltinEnricher<z.ZodType>));
}

/** Problems with a built-in's options, as `[path within options, message]`. */
export function checkBuiltinOptions(name: BuiltinEnricherName, options: unknown): { path: string; message: string }[] {
  const result = BUILTIN[name].options.safeParse(options ?? {});
  return result.success ? [] : issuesToProblems(result.error.issues, options ?? {});
}

/** Builds a built-in from options its entry schema already parsed, or from its defaults. */
export function createBuiltinEnricher(name: BuiltinEnricherName, parsedOptions?: unknown, deps: BuiltinEnricherDeps = {}): Enricher {
  const entry: BuiltinEnricher<z.ZodType> = BUILTIN[name];
  return entry.create(parsedOptions ?? entry.options.parse({}), deps);
}
