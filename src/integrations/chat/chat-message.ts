import { z } from 'zod';
import { buildMessage } from './build-message.js';
import type { Message } from './message-model.js';
import { compileTemplates, templateFields, type TemplateSources } from './message-templates.js';
import { createTemplateEngine } from './template-engine.js';
import type { Logger } from '../../observability/logger.js';
import type { EnrichedNotification } from '../../model/model.js';
import type { ActionDeps } from '../action-type.js';
import type { AttemptReport } from '../action.js';

/** Fields every chat action takes besides its destination: folding and templates. */
export const chatMessageFields = {
  /** Alerts shown in full before the rest fold into "…and N more". */
  max_alerts: z.number().int().min(1).max(15).default(10),
  ...templateFields,
};

export interface ChatMessageConfig extends TemplateSources {
  readonly max_alerts: number;
}

/**
 * Builds the neutral message for a chat action: its templates compiled once, here, at start (a
 * template that does not parse stops the start with its line and column), then rendered per
 * notification. A template that fails at run time never loses the message: the default text goes
 * out with a note saying which template failed and why, and `alertpipe_template_errors_total` counts it.
 */
export function chatMessageBuilder(
  action: string,
  config: ChatMessageConfig,
  deps: ActionDeps,
): (notification: EnrichedNotification, logger?: Logger, report?: AttemptReport) => Message {
  const hasTemplates = Boolean(config.template_file) || Object.values(config.templates ?? {}).some((t) => t !== undefined);
  const templates = hasTemplates ? compileTemplates(action, config, createTemplateEngine(), deps.baseDir ?? process.cwd()) : undefined;
  return (notification, logger = deps.logger, report) => {
    const overrides = templates?.render(
      notification,
      (failure) => {
        deps.metrics?.templateErrors.inc({ action, template: failure.template });
        logger.warn('template failed; the default text is sent', { action, template: failure.template, reason: failure.reason });
        report?.templateFellBack(failure.template, failure.reason);
      },
      // What buildMessage shows in full; a 10,000-alert group renders its alert template 10 times, not 10,000.
      Math.max(1, config.max_alerts),
    );
    return buildMessage(notification, { maxAlerts: config.max_alerts }, overrides);
  };
}
