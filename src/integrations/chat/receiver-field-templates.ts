import type { Liquid, Template } from 'liquidjs';
import { ConfigError, type ConfigProblem } from '../../lib/config-error.js';
import type { EnrichedNotification } from '../../model/model.js';
import { EXAMPLE_NOTIFICATIONS } from './example-notifications.js';
import { templateData } from './template-data.js';
import { describeTemplateError } from './template-error.js';
import { createTemplateEngine } from './template-engine.js';

/** A field template that failed while rendering; the field's default is used in its place. */
export interface FieldTemplateFailure {
  readonly field: string;
  readonly reason: string;
}

/** An action's field templates, compiled once: `render` gives the field's text, or undefined when it has none or it failed. */
export interface FieldTemplates<F extends string> {
  render(field: F, notification: EnrichedNotification, onFailure?: (failure: FieldTemplateFailure) => void): string | undefined;
}

/**
 * Templates in the fields Alertmanager templates (a receiver's `title`, `message`, `priority`,
 * `subject`...), on the same Liquid engine and data as the message templates: a field pasted from
 * an alertmanager.yml keeps its name, its value is written in Liquid. Each is parsed here, at start,
 * and rendered against the example notifications, so a template that does not parse or reads what
 * no notification has stops the start (and `check-config`) with its field, not the first alert.
 */
export function compileFieldTemplates<F extends string>(
  action: string,
  sources: Readonly<Partial<Record<F, string | undefined>>>,
  engine: Liquid = createTemplateEngine(),
): FieldTemplates<F> {
  const problems: ConfigProblem[] = [];
  const compiled = new Map<F, Template[]>();
  for (const [field, text] of Object.entries(sources) as [F, string | undefined][]) {
    if (text === undefined) continue;
    try {
      compiled.set(field, engine.parse(text));
    } catch (error) {
      problems.push({ path: `actions.${action}.${field}`, message: describeTemplateError(error) });
    }
  }
  const renderOne = (template: Template[], notification: EnrichedNotification): string =>
    String(engine.renderSync(template, templateData(notification))).trim();
  for (const [field, template] of compiled) {
    for (const example of EXAMPLE_NOTIFICATIONS) {
      try {
        renderOne(template, example);
      } catch (error) {
        problems.push({
          path: `actions.${action}.${field}`,
          message: `with the ${example.status} example: ${describeTemplateError(error)}`,
        });
        break;
      }
    }
  }
  if (problems.length > 0) throw new ConfigError('templates', problems);
  return {
    render(field, notification, onFailure) {
      const template = compiled.get(field);
      if (template === undefined) return undefined;
      try {
        return renderOne(template, notification);
      } catch (error) {
        onFailure?.({ field, reason: describeTemplateError(error) });
        return undefined;
      }
    },
  };
}
