import { BUILTIN_ENRICHER_NAMES, checkBuiltinOptions, isBuiltinEnricher } from '../enrichers/builtin-enrichers.js';
import type { ConfigProblem } from '../lib/config-error.js';
import type { Config } from './schema.js';
import { scheduleReferenceProblems } from '../oncall/schedule-references.js';
import { checkEscalationReferences } from './check-escalations.js';

/**
 * What zod cannot see one field at a time: routes naming actions that do not exist, unknown
 * enricher names, built-in enrichers without a Prometheus to ask. Messages name what is defined,
 * never the value written, which might be a secret pasted into the wrong field.
 */
export function checkReferences(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const actionNames = new Set([...Object.keys(config.actions), 'log']);
  config.routes?.forEach((route, index) => {
    route.actions.forEach((name, position) => {
      if (!actionNames.has(name)) {
        problems.push({
          path: `routes.${index}.actions.${position}`,
          message: `no action by that name; defined: ${[...actionNames].join(', ')}`,
        });
      }
    });
  });
  problems.push(...checkEscalationReferences(config, actionNames));
  config.enrichers?.forEach((entry, index) => {
    const name = typeof entry === 'string' ? entry : 'name' in entry ? entry.name : undefined;
    if (name === undefined) return;
    if (!isBuiltinEnricher(name)) {
      problems.push({
        path: `enrichers.${index}`,
        message: `no built-in enricher by that name; built in: ${BUILTIN_ENRICHER_NAMES.join(', ')} (use module: for your own)`,
      });
      return;
    }
    if (config.prometheus.url === undefined) {
      problems.push({ path: `enrichers.${index}`, message: `${name} asks Prometheus; set prometheus.url or PROMETHEUS_URL` });
    }
    if (typeof entry !== 'string' && 'unchecked' in entry) {
      for (const problem of checkBuiltinOptions(name, entry.options)) {
        problems.push({ path: `enrichers.${index}.options${problem.path ? `.${problem.path}` : ''}`, message: problem.message });
      }
    }
  });
  problems.push(...scheduleReferenceProblems(config.schedules, config.people));
  return problems;
}
