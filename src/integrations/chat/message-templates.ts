import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Liquid, Template } from 'liquidjs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../../lib/config-error.js';
import type { EnrichedNotification } from '../../model/model.js';
import type { MessageOverrides } from './build-message.js';
import { describeTemplateError } from './template-error.js';
import { templateAlert, templateData } from './template-data.js';

export const TEMPLATE_NAMES = ['title', 'text', 'alert'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

const templateSetSchema = z
  .object({
    /** Replaces the header (`🔥 FIRING: KubePodCrashLooping (2)`). */
    title: z.string().optional(),
    /** Shown under the group's labels, before the alerts. */
    text: z.string().optional(),
    /** Replaces each alert's first line (its own labels); sees `alert` besides the group's data. */
    alert: z.string().optional(),
  })
  .strict();

/** The fields every chat action takes for its templates. */
export const templateFields = {
  /** A YAML file with `title`, `text` and `alert` Liquid templates, which several actions may share. */
  template_file: z.string().min(1).optional(),
  /** Liquid templates of this action; each wins over the same one in `template_file`. */
  templates: templateSetSchema.optional(),
};

export interface TemplateSources {
  readonly template_file?: string | undefined;
  readonly templates?: z.output<typeof templateSetSchema> | undefined;
}

/** A template that failed while rendering; the default text is used in its place. */
export interface TemplateFailure {
  readonly template: TemplateName;
  /** Where it is written: `actions.oncall.templates.title`, or `short.yml: title`. */
  readonly where: string;
  readonly reason: string;
}

/** An action's compiled templates: parsed once at start, rendered per notification. */
export interface MessageTemplates {
  readonly names: readonly TemplateName[];
  /**
   * What the templates make of a notification; a template that fails leaves the default and a
   * note. The `alert` template is rendered for the first `shown` alerts only (those the message
   * shows in full; the rest fold into "…and N more"), all of them when absent.
   */
  render(notification: EnrichedNotification, onFailure?: (failure: TemplateFailure) => void, shown?: number): MessageOverrides;
}

/**
 * Reads and parses an action's templates. Every problem (a file that cannot be read, a template
 * that does not parse, with its line and column) is thrown together as a `ConfigError`.
 */
export function compileTemplates(action: string, sources: TemplateSources, engine: Liquid, baseDir: string): MessageTemplates {
  const problems: ConfigProblem[] = [];
  const texts: Partial<Record<TemplateName, { text: string; where: string }>> = {};
  if (sources.template_file) {
    const file = path.resolve(baseDir, sources.template_file);
    const parsed = readTemplateFile(file, `actions.${action}.template_file`, problems);
    for (const name of TEMPLATE_NAMES)
      if (parsed?.[name] !== undefined) texts[name] = { text: parsed[name], where: `${sources.template_file}: ${name}` };
  }
  for (const name of TEMPLATE_NAMES) {
    const text = sources.templates?.[name];
    if (text !== undefined) texts[name] = { text, where: `actions.${action}.templates.${name}` };
  }
  const compiled: Partial<Record<TemplateName, Template[]>> = {};
  const where = (name: TemplateName): string => texts[name]?.where ?? name;
  for (const name of TEMPLATE_NAMES) {
    const source = texts[name];
    if (source === undefined) continue;
    try {
      compiled[name] = engine.parse(source.text);
    } catch (error) {
      problems.push({ path: source.where, message: describeTemplateError(error) });
    }
  }
  if (problems.length > 0) throw new ConfigError('templates', problems);
  return {
    names: TEMPLATE_NAMES.filter((name) => compiled[name] !== undefined),
    render(notification, onFailure, shown = notification.alerts.length) {
      const data = templateData(notification);
      const notes: string[] = [];
      const attempt = <T>(name: TemplateName, run: () => T): T | undefined => {
        try {
          return run();
        } catch (error) {
          const reason = describeTemplateError(error);
          notes.push(`template "${name}" of action ${action} failed (${reason}); the default is shown`);
          onFailure?.({ template: name, where: where(name), reason });
          return undefined;
        }
      };
      const { title, text, alert } = compiled;
      const renderedTitle = title && attempt('title', () => oneLine(String(engine.renderSync(title, data))));
      const renderedText = text && attempt('text', () => String(engine.renderSync(text, data)).trim());
      const alertLines =
        alert &&
        attempt(
          'alert',
          () =>
            new Map(
              notification.alerts
                .slice(0, shown)
                .map((a) => [a.fingerprint, oneLine(String(engine.renderSync(alert, { ...data, alert: templateAlert(a) })))]),
            ),
        );
      return {
        ...(renderedTitle ? { title: renderedTitle } : {}),
        ...(renderedText ? { text: renderedText } : {}),
        ...(alertLines ? { alertLines } : {}),
        notes,
      };
    },
  };
}

/** A title or a line is one line: Liquid's tags leave newlines and spaces around them. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function readTemplateFile(file: string, where: string, problems: ConfigProblem[]): Partial<Record<TemplateName, string>> | undefined {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push({
      path: where,
      message: code ? `cannot read the file: ${code}` : `not YAML: ${(error as Error).message.split('\n')[0]}`,
    });
    return undefined;
  }
  const result = templateSetSchema.safeParse(parsed ?? {});
  if (!result.success) {
    problems.push({
      path: where,
      message: `expected a mapping with title, text and alert templates: ${result.error.issues.map((i) => i.message).join('; ')}`,
    });
    return undefined;
  }
  return result.data;
}
