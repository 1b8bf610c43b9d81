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
    },
  };
}
