import type { Template } from 'liquidjs';
import { ConfigError } from '../../lib/config-error.js';
import { escapeHtml } from '../../lib/escape.js';
import type { EnrichedNotification } from '../../model/model.js';
import { EXAMPLE_NOTIFICATIONS } from '../chat/example-notifications.js';
import { templateData } from '../chat/template-data.js';
import { createTemplateEngine } from '../chat/template-engine.js';
import { describeTemplateError } from '../chat/template-error.js';
import { checkTelegramText, type TelegramParseMode } from './telegram-text.js';

/** A `message` template, compiled: the whole text of the message, or why it could not be made. */
export type TelegramMessageTemplate = (notification: EnrichedNotification) => { text: string } | { failure: string };

/**
 * Alertmanager's `message` (a Go template there) is an alertpipe Liquid template here, with the data
 * every chat template sees (docs/integrations/chat.md). It writes the whole text in the chosen
 * parse mode: in HTML, what the template itself writes (`<b>{{ commonLabels.alertname }}</b>`) is
 * markup, and every value it prints is escaped (Liquid's output escape), so an alert's `<` or `&`
 * can neither break the markup nor add any. It is compiled and tried on the example notifications
 * here, at start, so that a template Telegram would refuse stops the start instead of every delivery.
 */
export function compileMessageTemplate(action: string, source: string, parseMode: TelegramParseMode): TelegramMessageTemplate {
  const engine = createTemplateEngine();
  // Set before parsing: Liquid appends the escape to every output it parses from now on.
  if (parseMode === 'HTML') engine.options.outputEscape = (value: unknown) => escapeHtml(String(value ?? ''));
  const where = `actions.${action}.message`;
  let template: Template[];
  try {
    template = engine.parse(source);
  } catch (error) {
    throw new ConfigError('templates', [{ path: where, message: describeTemplateError(error) }]);
  }
  const render: TelegramMessageTemplate = (notification) => {
    let text: string;
    try {
      text = String(engine.renderSync(template, templateData(notification))).trim();
    } catch (error) {
      return { failure: describeTemplateError(error) };
    }
    const problems = checkTelegramText(text, parseMode);
    return problems.length === 0 ? { text } : { failure: `Telegram would refuse its text: ${problems.join('; ')}` };
  };
  const problems = EXAMPLE_NOTIFICATIONS.flatMap((example) => {
    const result = render(example);
    return 'failure' in result ? [{ path: where, message: `with the ${example.status} example: ${result.failure}` }] : [];
  });
  if (problems.length > 0) throw new ConfigError('templates', problems);
  return render;
}
