import type { ConfigProblem } from '../lib/config-error.js';
import type { Config } from './schema.js';

/**
 * Routes naming a policy that does not exist, and steps naming actions that do not; a step's
 * schedule is checked against `schedules` when one is given (the config's section, or what the
 * on-call lookup offers at start: `checkScheduleReferences`).
 */
export function checkEscalationReferences(config: Config, actionNames: ReadonlySet<string>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const policies = Object.keys(config.escalations ?? {});
  config.routes?.forEach((route, index) => {
    if (route.escalation !== undefined && !policies.includes(route.escalation)) {
      problems.push({
        path: `routes.${index}.escalation`,
        message:
          policies.length === 0 ? 'no escalations: section defines a policy' : `no policy by that name; defined: ${policies.join(', ')}`,
      });
    }
  });
  for (const [name, policy] of Object.entries(config.escalations ?? {})) {
    policy.steps.forEach((step, index) => {
      step.actions.forEach((action, position) => {
        if (!actionNames.has(action))
          problems.push({
            path: `escalations.${name}.steps.${index}.actions.${position}`,
            message: `no action by that name; defined: ${[...actionNames].join(', ')}`,
          });
      });
    });
  }
  const sections = config as { schedules?: Record<string, unknown> };
  if (sections.schedules !== undefined) problems.push(...checkScheduleReferences(config, Object.keys(sections.schedules)));
  return problems;
}

/** Steps that notify a schedule not among `schedules`. */
export function checkScheduleReferences(config: Config, schedules: readonly string[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [name, policy] of Object.entries(config.escalations ?? {})) {
    policy.steps.forEach((step, index) => {
      if (step.notify === undefined || !('schedule' in step.notify)) return;
      if (schedules.includes(step.notify.schedule)) return;
      problems.push({
        path: `escalations.${name}.steps.${index}.notify.schedule`,
        message: schedules.length === 0 ? 'no schedules are configured' : `no schedule by that name; defined: ${schedules.join(', ')}`,
      });
    });
  }
  return problems;
}
