import { z } from 'zod';
import { issuesToProblems } from '../config/issue-problems.js';
import { durationSchema } from '../config/units.js';
import type { Enricher } from './enricher.js';
import { createNodeResourcesEnricher } from './node-resources-enricher.js';
import { createPodResourcesEnricher } from './pod-resources-enricher.js';

// A PromQL duration for rate() and range selectors: `5m`, `90s`, `6h`.
const promqlDuration = z.string().regex(/^\d+(ms|s|m|h|d|w|y)$/, 'expected a PromQL duration such as 5m');
const toSeconds = (ms: number): number => Math.max(1, Math.round(ms / 1000));

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
  return result.success ? [] : issuesToProblems(result.error.issues, options ?? {});
}

export function createBuiltinEnricher(name: BuiltinEnricherName, options: unknown): Enricher {
  switch (name) {
    case 'pod-resources':
      return BUILTIN[name].create(BUILTIN[name].options.parse(options ?? {}));
    case 'node-resources':
      return BUILTIN[name].create(BUILTIN[name].options.parse(options ?? {}));
  }
}
