import type { Liquid, Template } from 'liquidjs';
import { ConfigError } from '../../lib/config-error.js';
import type { EnrichedNotification } from '../../model/model.js';
import { orderedLabels } from '../chat/build-message.js';
import { templateData } from '../chat/template-data.js';
import { createTemplateEngine } from '../chat/template-engine.js';
import { describeTemplateError } from '../chat/template-error.js';

// zulip.com/api/send-message: "Maximum length of 60 characters."
export const ZULIP_TOPIC_MAX = 60;

/** What a topic template could not render; the default topic is used instead. */
export type TopicFailure = (reason: string) => void;

/**
 * The topic a group's messages go to. By default the alert name and the values of the group's
 * own labels (`KubePodCrashLooping · shop`), which stay the same for every notification of the
 * group, so that its episodes gather under one topic; with `topic`, a Liquid template over the
 * same data as the message templates. Compiled once at start: one that does not parse stops the
 * start, at `actions.<name>.topic`.
 */
export function zulipTopicRenderer(
  action: string,
  template: string | undefined,
): (n: EnrichedNotification, onFailure?: TopicFailure) => string {
  const engine: Liquid | undefined = template === undefined ? undefined : createTemplateEngine();
  let compiled: Template[] | undefined;
  if (engine && template !== undefined) {
    try {
      compiled = engine.parse(template);
    } catch (error) {
      throw new ConfigError('templates', [{ path: `actions.${action}.topic`, message: describeTemplateError(error) }]);
    }
  }
  return (notification, onFailure) => {
    if (engine && compiled) {
      try {
        const rendered = oneLine(String(engine.renderSync(compiled, templateData(notification))));
        if (rendered !== '') return topicOf(rendered);
        onFailure?.('the topic template rendered nothing');
      } catch (error) {
        onFailure?.(describeTemplateError(error));
      }
    }
    return defaultTopic(notification);
  };
}

export function defaultTopic(notification: EnrichedNotification): string {
  const name = notification.groupLabels.alertname ?? notification.commonLabels.alertname ?? 'alerts';
  const values = orderedLabels(notification.groupLabels).map(([, value]) => value);
  return topicOf([name, ...values].filter((part) => part !== '').join(' · '));
}

/** Within Zulip's 60 characters (code points, as Zulip counts them), an ellipsis when cut. */
function topicOf(text: string): string {
  const chars = [...text];
  return chars.length <= ZULIP_TOPIC_MAX ? text : `${chars.slice(0, ZULIP_TOPIC_MAX - 1).join('')}…`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
