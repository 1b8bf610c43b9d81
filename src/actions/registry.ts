import { z } from 'zod';
import type { Action } from './action.js';
import type { ActionDeps, ActionType } from './action-config.js';
import { execActionType } from './exec-action.js';
import { logActionType } from './log-action.js';
import { pagerdutyActionType } from './pagerduty-action.js';
import { scaleActionType } from './scale-action.js';
import { slackActionType } from './slack-action.js';
import { webhookActionType } from './webhook-action.js';

/**
 * Every action type alertpipe knows. Adding one is a file in this folder and its entry in the two
 * lists below (the schemas are spelled out so that zod can type the union).
 */
export const actionConfigSchema = z.discriminatedUnion('type', [
  logActionType.schema,
  slackActionType.schema,
  pagerdutyActionType.schema,
  webhookActionType.schema,
  execActionType.schema,
  scaleActionType.schema,
]);

const ACTION_TYPES: Record<ActionConfig['type'], ActionType<z.ZodType>> = {
  log: logActionType,
  slack: slackActionType,
  pagerduty: pagerdutyActionType,
  webhook: webhookActionType,
  exec: execActionType,
  scale: scaleActionType,
};

export type ActionConfig = z.output<typeof actionConfigSchema>;

export const actionTypeNames: readonly string[] = Object.keys(ACTION_TYPES);

/** Builds the action a validated config section describes. */
export function createAction(name: string, config: ActionConfig, deps: ActionDeps): Action {
  // The union is keyed by `type`, so the entry found accepts exactly this config.
  return ACTION_TYPES[config.type].create(name, config, deps);
}
