import type { Liquid, Template } from 'liquidjs';
import { ConfigError, type ConfigProblem } from '../../lib/config-error.js';
import type { EnrichedNotification } from '../../model/model.js';
import type { Logger } from '../../observability/logger.js';
import type { ActionDeps } from '../action-type.js';
import { EXAMPLE_NOTIFICATIONS } from './example-notifications.js';
import { templateData } from './template-data.js';
import { describeTemplateError } from './template-error.js';
import { createTemplateEngine } from './template-engine.js';

/** A field template that failed while rendering; the field's default is used in its place. */
export interface FieldTemplateFailure {
  readonly field: string;
  readonly reason: string;
}

type OnFailure = (failure: FieldTemplateFailure) => void;

/** An action's field templates, compiled once at start. */
export interface FieldTemplates<F extends string> {
  /** One field's text for this notification; undefined when the field is unset or its template failed. */
  render(field: F, notification: EnrichedNotification, onFailure?: OnFailure): string | undefined;
  /**
   * Every field at once (the template data built once): the texts, and a note per field whose
   * template failed, for receivers that carry notes to the reader (Opsgenie's description).
   */
  renderAll(
    notification: EnrichedNotification,
    onFailure?: OnFailure,
  ): { readonly values: ReadonlyMap<F, string>; readonly notes: readonly string[] };
}

const MARKUP = /\{\{|\{%/;

/**
 * Single config fields that are templates, where Alertmanager templates them (Opsgenie's
 * `message` and `details`, Splunk On-Call's `state_message`, Pushover's `title` and `priority`,
 * SNS's `subject`...): written in alertpipe's Liquid, rendered against the same data as the message
 * templates. A value with no Liquid markup is taken as it is, so a plain `P2` costs nothing.
 *
 * Every template is parsed here, at start, and tried on the example notifications, so one that
 * does not parse or reads what no notification has (a misspelt `commonLables`) stops the start,
 * and `check-config`, naming `actions.<name>.<field>`, every such problem at once, not the first
 * alert. A label some alerts lack is read with `| default:` or inside `{% if %}`. A field whose
 * point is to read a label the examples cannot know (Slack's `channel: '#team-{{ commonLabels.team }}'`)
 * turns the trial off with `tryOnExamples: false`: it is still parsed at start, and a group it
 * cannot be rendered for meets the field's own fallback.
 */
export function compileFieldTemplates<F extends string>(
  action: string,
  sources: Readonly<Partial<Record<F, string | undefined>>>,
  { engine = createTemplateEngine(), tryOnExamples = true }: { engine?: Liquid; tryOnExamples?: boolean } = {},
): FieldTemplates<F> {
  const problems: ConfigProblem[] = [];
  const compiled = new Map<F, string | Template[]>();
  for (const [field, text] of Object.entries(sources) as [F, string | undefined][]) {
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
  const renderWith = (template: Template[], data: object): string => String(engine.renderSync(template, data)).trim();
  for (const [field, template] of tryOnExamples ? compiled : []) {
    if (typeof template === 'string') continue;
    const failed = EXAMPLE_NOTIFICATIONS.map((example) => {
      try {
        renderWith(template, templateData(example));
        return undefined;
      } catch (error) {
        return `with the ${example.status} example: ${describeTemplateError(error)}`;
      }
    }).find((message) => message !== undefined);
    if (failed !== undefined) problems.push({ path: `actions.${action}.${field}`, message: failed });
  }
  if (problems.length > 0) throw new ConfigError('templates', problems);

  const renderField = (field: F, data: () => object, onFailure?: OnFailure): string | undefined => {
    const template = compiled.get(field);
    if (template === undefined || typeof template === 'string') return template;
    try {
      return renderWith(template, data());
    } catch (error) {
      onFailure?.({ field, reason: describeTemplateError(error) });
      return undefined;
    }
  };
  return {
    render: (field, notification, onFailure) => renderField(field, () => templateData(notification), onFailure),
    renderAll(notification, onFailure) {
      const values = new Map<F, string>();
      const notes: string[] = [];
      // Built once per notification, and only when some field has markup.
      let data: object | undefined;
      for (const field of compiled.keys()) {
        const value = renderField(
          field,
          () => (data ??= templateData(notification)),
          (failure) => {
            notes.push(`template "${failure.field}" of action ${action} failed (${failure.reason}); the default is used`);
            onFailure?.(failure);
          },
        );
        if (value !== undefined) values.set(field, value);
      }
      return { values, notes };
    },
  };
}

/** What every receiver does with a field template that failed at run time: count it and warn; the default goes out. */
export function fieldTemplateFailureReporter(action: string, deps: ActionDeps, logger: Logger): OnFailure {
  return (failure) => {
    deps.metrics?.templateErrors.inc({ action, template: failure.field });
    logger.warn('template failed; the default is used', { action, template: failure.field, reason: failure.reason });
  };
}
