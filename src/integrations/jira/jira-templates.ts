import type { Template } from 'liquidjs';
import { ConfigError, type ConfigProblem } from '../../lib/config-error.js';
import type { EnrichedNotification } from '../../model/model.js';
import { templateData } from '../chat/template-data.js';
import { createTemplateEngine } from '../chat/template-engine.js';
import { describeTemplateError } from '../chat/template-error.js';
import type { JiraConfig } from './jira-config.js';

/** What the issue's own templates made of a notification; absent where there is no template or it failed. */
export interface RenderedIssueFields {
  readonly summary?: string;
  readonly description?: string;
  readonly labels: readonly string[];
  readonly priority?: string;
  readonly fields: Readonly<Record<string, unknown>>;
  /** One per template that failed: its default (or nothing) was used instead. */
  readonly notes: readonly string[];
}

// A config value with every string in it compiled: `fields` hold strings, numbers, lists and maps.
type Compiled =
  { readonly template: Template[] } | { readonly list: Compiled[] } | { readonly map: [string, Compiled][] } | { readonly value: unknown };

/**
 * The templates of a Jira action (`summary`, `description`, each of `labels`, `priority` and every
 * string in `fields`, as Alertmanager templates them), in Liquid on the data every chat template
 * sees. Parsed here, once: a template that does not parse stops the start with its place.
 */
export function compileJiraTemplates(action: string, config: JiraConfig) {
  const engine = createTemplateEngine();
  const problems: ConfigProblem[] = [];
  const parse = (text: string, where: string): Template[] => {
    try {
      return engine.parse(text);
    } catch (error) {
      problems.push({ path: `actions.${action}.${where}`, message: describeTemplateError(error) });
      return [];
    }
  };
  const deep = (value: unknown, where: string): Compiled => {
    if (typeof value === 'string') return { template: parse(value, where) };
    if (Array.isArray(value)) return { list: value.map((v, i) => deep(v, `${where}.${i}`)) };
    if (value !== null && typeof value === 'object')
      return { map: Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, deep(v, `${where}.${k}`)]) };
    return { value };
  };
  const summary = config.summary && parse(config.summary.template, 'summary');
  const description = config.description && parse(config.description.template, 'description');
  const labels = config.labels.values.map((label, i) => parse(label, `labels.${i}`));
  const priority = config.priority === undefined ? undefined : parse(config.priority, 'priority');
  const fields = Object.entries(config.fields).map(([key, value]) => [key, deep(value, `fields.${key}`)] as const);
  if (problems.length > 0) throw new ConfigError('templates', problems);

  return (notification: EnrichedNotification): RenderedIssueFields => {
    const data = templateData(notification);
    const notes: string[] = [];
    const render = (name: string, template: Template[]): string | undefined => {
      try {
        return String(engine.renderSync(template, data));
      } catch (error) {
        notes.push(`template "${name}" of action ${action} failed (${describeTemplateError(error)}); the default is used`);
        return undefined;
      }
    };
    let failed: boolean;
    const resolve = (name: string, value: Compiled): unknown => {
      if ('template' in value) {
        const text = render(name, value.template);
        if (text === undefined) failed = true;
        return text;
      }
      if ('list' in value) return value.list.map((v) => resolve(name, v));
      if ('map' in value) return Object.fromEntries(value.map.map(([k, v]) => [k, resolve(name, v)]));
      return value.value;
    };
    const renderedSummary =
      summary &&
      render('summary', summary)
        ?.replace(/\s*\n\s*/g, ' ')
        .trim();
    const renderedDescription = description && render('description', description);
    const renderedPriority = priority && render('priority', priority)?.trim();
    const renderedFields: Record<string, unknown> = {};
    for (const [key, value] of fields) {
      failed = false;
      const resolved = resolve(`fields.${key}`, value);
      // A field whose template failed is left out rather than set to half a value.
      if (!failed) renderedFields[key] = resolved;
    }
    return {
      ...(renderedSummary ? { summary: renderedSummary } : {}),
      ...(renderedDescription?.trim() ? { description: renderedDescription } : {}),
      labels: labels.flatMap((label, i) => render(`labels.${i}`, label) ?? []),
      ...(renderedPriority ? { priority: renderedPriority } : {}),
      fields: renderedFields,
      notes,
    };
  };
}

export type JiraTemplates = ReturnType<typeof compileJiraTemplates>;
