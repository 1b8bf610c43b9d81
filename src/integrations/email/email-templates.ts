import type { Liquid, Template } from 'liquidjs';
import { ConfigError, type ConfigProblem } from '../../lib/config-error.js';
import { escapeHtml } from '../../lib/escape.js';
import type { EnrichedNotification } from '../../model/model.js';
import { EXAMPLE_NOTIFICATIONS } from '../chat/example-notifications.js';
import { templateData } from '../chat/template-data.js';
import { createTemplateEngine } from '../chat/template-engine.js';
import { describeTemplateError } from '../chat/template-error.js';

// What Alertmanager's own defaults are written as: pasted in, they mean "the default part" here.
const ALERTMANAGER_DEFAULT = /^\s*\{\{\s*template\s+"email\.default\.(?:subject|html|txt)"\s+\.\s*\}\}\s*$/;

export interface EmailTemplateSources {
  readonly headers: Readonly<Record<string, string>>;
  readonly html?: string | undefined;
  readonly text?: string | undefined;
}

/** What the templates made of one notification: each absent where the default applies. */
export interface RenderedEmailTemplates {
  readonly headers: Record<string, string>;
  readonly html?: string;
  readonly text?: string;
  /** One per template that failed; the default went out in its place. */
  readonly notes: string[];
}

export type EmailTemplates = (
  notification: EnrichedNotification,
  onFailure?: (template: string, reason: string) => void,
) => RenderedEmailTemplates;

/**
 * The email-only templates: each header's value, the HTML part and the text part, compiled once.
 * The HTML part's engine escapes every value it prints (`{{ x | raw }}` opts out), so an alert's
 * labels can add no markup to the mail. A template that does not parse, or fails on the example
 * notifications, is a config problem at start; one that fails at run time leaves the default and a note.
 */
export function compileEmailTemplates(action: string, sources: EmailTemplateSources): EmailTemplates {
  const plain = createTemplateEngine();
  const html = createTemplateEngine();
  (html.options as { outputEscape?: (value: unknown) => string }).outputEscape = (value) => escapeHtml(String(value ?? ''));
  const problems: ConfigProblem[] = [];
  const compile = (engine: Liquid, where: string, text: string | undefined): Template[] | undefined => {
    if (text === undefined || ALERTMANAGER_DEFAULT.test(text)) return undefined;
    try {
      return engine.parse(text);
    } catch (error) {
      problems.push({ path: `actions.${action}.${where}`, message: describeTemplateError(error) });
      return undefined;
    }
  };
  const headers = Object.entries(sources.headers).flatMap(([name, text]) => {
    const compiled = compile(plain, `headers.${name}`, text);
    return compiled ? [{ name, compiled }] : [];
  });
  const htmlPart = compile(html, 'html', sources.html);
  const textPart = compile(plain, 'text', sources.text);
  if (problems.length > 0) throw new ConfigError('templates', problems);

  const render: EmailTemplates = (notification, onFailure) => {
    const data = templateData(notification);
    const notes: string[] = [];
    const attempt = (where: string, engine: Liquid, template: Template[]): string | undefined => {
      try {
        return String(engine.renderSync(template, data));
      } catch (error) {
        const reason = describeTemplateError(error);
        notes.push(`template "${where}" of action ${action} failed (${reason}); the default is shown`);
        onFailure?.(where, reason);
        return undefined;
      }
    };
    const rendered: Record<string, string> = {};
    for (const { name, compiled } of headers) {
      // A header is one line: a newline from an alert's label must not start a header of its own.
      const value = attempt(`headers.${name}`, plain, compiled)
        ?.replace(/\s*[\r\n]+\s*/g, ' ')
        .trim();
      if (value) rendered[name] = value;
    }
    const htmlText = htmlPart && attempt('html', html, htmlPart);
    const textText = textPart && attempt('text', plain, textPart);
    return { headers: rendered, ...(htmlText ? { html: htmlText } : {}), ...(textText ? { text: textText } : {}), notes };
  };

  // As check-config does for the shared templates: a typo in a variable shows now, not on the first alert.
  for (const example of EXAMPLE_NOTIFICATIONS)
    render(example, (where, reason) =>
      problems.push({ path: `actions.${action}.${where}`, message: `with the ${example.status} example: ${reason}` }),
    );
  if (problems.length > 0) throw new ConfigError('templates', [...new Map(problems.map((p) => [`${p.path}${p.message}`, p])).values()]);
  return render;
}
