import { z } from 'zod';
import { durationSchema } from '../lib/units.js';
import type { ChartRenderer } from '../charts/render-chart-png.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Action } from './action.js';

/** Fields every action accepts besides its own. */
export const commonActionFields = {
  /** Whether resolved alerts reach the action (Alertmanager's send_resolved). */
  send_resolved: z.boolean().default(true),
  /** How long one attempt may take. */
  timeout: durationSchema.default(10_000),
};

/** What an action factory may use besides its config section. */
export interface ActionDeps {
  readonly logger: Logger;
  /** Where relative paths in the action's config (a `template_file`) are found; the working directory when absent. */
  readonly baseDir?: string;
  /** The service's metrics: what an action cannot count through its outcome (a template that failed), and exec's `am_executor_*`. */
  readonly metrics?: Metrics;
  /** Draws graphs for actions that attach them (the Slack app): the service's one renderer. */
  readonly charts: ChartRenderer;
}

/**
 * One action type: the schema of its config section (with `type: z.literal(...)`) and the factory
 * that builds the action from the validated section. `integrations/registry.ts` lists them all.
 */
export interface ActionType<S extends z.ZodType> {
  readonly schema: S;
  readonly create: (name: string, config: z.output<S>, deps: ActionDeps) => Action;
}

export function defineActionType<S extends z.ZodType>(type: ActionType<S>): ActionType<S> {
  return type;
}
