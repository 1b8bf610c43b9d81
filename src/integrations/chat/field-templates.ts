import type { Liquid, Template } from 'liquidjs';
import { ConfigError, type ConfigProblem } from '../../lib/config-error.js';
import type { EnrichedNotification } from '../../model/model.js';
import { describeTemplateError } from './template-error.js';
import { templateData } from './template-data.js';
import { createTemplateEngine } from './template-engine.js';

/**
 * Single config fields that are templates: what Alertmanager templates in the receivers that send
 * no chat message (Opsgenie's `message`, `priority`, `details`; Splunk On-Call's `state_message`),
 * written as alertpipe's Liquid and rendered against the same data as the message templates. A
 * value with no Liquid markup is taken as it is, so a plain `P2` or `team-a,team-b` costs nothing.
 */
export interface FieldTemplates {
  /** Each field's text for this notification; a field whose template failed is absent, with a note. */
  render(notification: EnrichedNotification): { readonly values: ReadonlyMap<string, string>; readonly notes: readonly string[] };
}

const MARKUP = /\{\{|\{%/;

/**
 * Parses every field once, at start: a template that does not parse stops the start with its
 * path (`actions.<name>.<field>`), its line and column, every such problem at once.
 */
export function compileFieldTemplates(
  action: string,
  fields: Readonly<Record<string, string | undefined>>,
  engine: Liquid = createTemplateEngine(),
): FieldTemplates {
  const problems: ConfigProblem[] = [];
  const compiled = new Map<string, string | Template[]>();
  for (const [field, text] of Object.entries(fields)) {
    if (text === undefined) continue;
    if (!MARKUP.test(text)) {
      compiled.set(field, text);
      continue;
    }
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
  if (problems.length > 0) throw new ConfigError('templates', problems);
  return {
    render(notification) {
      const values = new Map<string, string>();
      const notes: string[] = [];
      // Built once per notification, and only when some field has markup.
      let data: ReturnType<typeof templateData> | undefined;
      for (const [field, template] of compiled) {
        if (typeof template === 'string') {
          values.set(field, template);
          continue;
        }
        try {
          data ??= templateData(notification);
          values.set(field, String(engine.renderSync(template, data)).trim());
        } catch (error) {
          notes.push(`template "${field}" of action ${action} failed (${describeTemplateError(error)}); the default is used`);
        }
      }
      return { values, notes };
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
