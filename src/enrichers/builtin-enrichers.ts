import { z } from 'zod';
import { durationSchema } from '../config/units.js';
import type { AlertmanagerClient } from './alertmanager-client.js';
import type { Enricher } from './enricher.js';
import { createGraphEnricher } from './graph-enricher.js';
import { createNodeResourcesEnricher } from './node-resources-enricher.js';
import { createPodResourcesEnricher } from './pod-resources-enricher.js';
import { createRelatedAlertsEnricher } from './related-alerts-enricher.js';
import { createRestartsEnricher } from './restarts-enricher.js';
import { createWorkloadEnricher } from './workload-enricher.js';

// A PromQL duration for rate() and range selectors: `5m`, `90s`, `6h`.
const promqlDuration = z.string().regex(/^\d+(ms|s|m|h|d|w|y)$/, 'expected a PromQL duration such as 5m');
const toSeconds = (ms: number): number => Math.max(1, Math.round(ms / 1000));
const regexSource = z.string().refine((source) => {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}, 'expected a regular expression');

/** What built-ins may need besides their options: other upstreams and alertpipe's own address. */
export interface BuiltinEnricherDeps {
  readonly alertmanager?: AlertmanagerClient;
  /** `server.external_url`: where the people reading a message reach alertpipe. */
  readonly externalUrl?: string;
}

/**
 * The enrichers that ship with alertpipe, by the name the config uses, each with the schema of
 * its `options`. Adding one is a file in this folder and an entry here.
 */
const BUILTIN = {
  'pod-resources': {
    options: z
      .object({ rate_window: promqlDuration.default('5m'), history: durationSchema.default(3_600_000), step: durationSchema.default(180_000) })
      .strict(),
    create: (o: { rate_window: string; history: number; step: number }): Enricher =>
      createPodResourcesEnricher({ rateWindow: o.rate_window, historySeconds: toSeconds(o.history), stepSeconds: toSeconds(o.step) }),
  },
  'node-resources': {
    options: z.object({ rate_window: promqlDuration.default('5m'), fill_window: promqlDuration.default('6h') }).strict(),
    create: (o: { rate_window: string; fill_window: string }): Enricher => createNodeResourcesEnricher({ rateWindow: o.rate_window, fillWindow: o.fill_window }),
  },
  'related-alerts': {
    options: z.object({ max_names: z.number().int().positive().default(6) }).strict(),
    create: (o: { max_names: number }, deps: BuiltinEnricherDeps): Enricher =>
      createRelatedAlertsEnricher({ maxNames: o.max_names, ...(deps.alertmanager ? { alertmanager: deps.alertmanager } : {}) }),
  },
  restarts: {
    options: z.object({ window: promqlDuration.default('1h'), rate_window: promqlDuration.default('5m'), cpu_alerts: regexSource.default('cpu|throttl') }).strict(),
    create: (o: { window: string; rate_window: string; cpu_alerts: string }): Enricher =>
      createRestartsEnricher({ window: o.window, rateWindow: o.rate_window, cpuAlerts: new RegExp(o.cpu_alerts, 'i') }),
  },
  workload: {
    options: z.object({ history: durationSchema.default(3_600_000), step: durationSchema.default(60_000) }).strict(),
    create: (o: { history: number; step: number }): Enricher => createWorkloadEnricher({ historySeconds: toSeconds(o.history), stepSeconds: toSeconds(o.step) }),
  },
  graph: {
    options: z
      .object({ rate_window: promqlDuration.default('5m'), history: durationSchema.default(3_600_000), step: durationSchema.default(180_000) })
      .strict(),
    create: (o: { rate_window: string; history: number; step: number }, deps: BuiltinEnricherDeps): Enricher =>
      createGraphEnricher({
        rateWindow: o.rate_window,
        historySeconds: toSeconds(o.history),
        stepSeconds: toSeconds(o.step),
        ...(deps.externalUrl ? { externalUrl: deps.externalUrl } : {}),
      }),
  },
} as const;

export type BuiltinEnricherName = keyof typeof BUILTIN;

export const BUILTIN_ENRICHER_NAMES = Object.keys(BUILTIN) as BuiltinEnricherName[];

/** Used when the config names no enrichers and a Prometheus is configured. */
export const DEFAULT_ENRICHERS: readonly BuiltinEnricherName[] = ['pod-resources', 'node-resources'];

export function isBuiltinEnricher(name: string): name is BuiltinEnricherName {
  return Object.hasOwn(BUILTIN, name);
}

/** Problems with a built-in's options, as `[path within options, message]`. */
export function checkBuiltinOptions(name: BuiltinEnricherName, options: unknown): { path: string; message: string }[] {
  const result = BUILTIN[name].options.safeParse(options ?? {});
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

export function createBuiltinEnricher(name: BuiltinEnricherName, options: unknown, deps: BuiltinEnricherDeps = {}): Enricher {
  switch (name) {
    case 'pod-resources':
      return BUILTIN[name].create(BUILTIN[name].options.parse(options ?? {}));
    case 'node-resources':
      return BUILTIN[name].create(BUILTIN[name].options.parse(options ?? {}));
    case 'related-alerts':
      return BUILTIN[name].create(BUILTIN[name].options.parse(options ?? {}), deps);
    case 'restarts':
      return BUILTIN[name].create(BUILTIN[name].options.parse(options ?? {}));
    case 'workload':
      return BUILTIN[name].create(BUILTIN[name].options.parse(options ?? {}));
    case 'graph':
      return BUILTIN[name].create(BUILTIN[name].options.parse(options ?? {}), deps);
  }
}
