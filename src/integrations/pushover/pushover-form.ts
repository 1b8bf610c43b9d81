import { escapeHtml } from '../../lib/escape.js';
import type { EnrichedNotification } from '../../model/model.js';
import type { FieldTemplateFailure, FieldTemplates } from '../chat/field-templates.js';
import { cut, type Message } from '../chat/message-model.js';
import { PUSHOVER_LIMITS, pushoverText } from './pushover-message.js';

/** The fields of `pushover_config` that Alertmanager templates, and alertpipe too (in Liquid). */
export type PushoverTemplateField = 'title' | 'message' | 'url' | 'url_title' | 'device' | 'sound' | 'priority';

export interface PushoverFormConfig {
  readonly user_key: string;
  readonly token: string;
  readonly retry: number;
  readonly expire: number;
  readonly ttl?: number | undefined;
  readonly html: boolean;
  readonly monospace: boolean;
}

/**
 * The `messages.json` form for a notification: the message model's title and body unless the
 * config's templates say otherwise, and the priority as Alertmanager's default has it (2, the
 * emergency that sounds until acknowledged, while firing; 0 once resolved) unless `priority` renders
 * another. A template that fails or renders what Pushover would refuse leaves the default.
 */
export function pushoverForm(
  notification: EnrichedNotification,
  message: Message,
  config: PushoverFormConfig,
  templates: FieldTemplates<PushoverTemplateField>,
  onFailure: (failure: FieldTemplateFailure) => void,
): { form: Record<string, string>; priority: number } {
  const text = pushoverText(message, { html: config.html });
  const render = (field: PushoverTemplateField): string | undefined => {
    const value = templates.render(field, notification, onFailure);
    return value === undefined || value === '' ? undefined : value;
  };
  const rendered = render('priority');
  const parsed = rendered === undefined ? undefined : Number(rendered);
  const priority =
    parsed !== undefined && Number.isInteger(parsed) && parsed >= -2 && parsed <= 2 ? parsed : notification.status === 'firing' ? 2 : 0;
  if (rendered !== undefined && priority !== parsed)
    onFailure({ field: 'priority', reason: `"${cut(rendered, 40)}" is not -2, -1, 0, 1 or 2` });
  // Template output is text: in HTML mode it is escaped like everything an alert carries.
  const ownMessage = render('message');
  const body = ownMessage === undefined ? text.message : cut(config.html ? escapeHtml(ownMessage) : ownMessage, PUSHOVER_LIMITS.message);
  const url = render('url') ?? text.url;
  const urlTitle = render('url_title') ?? (render('url') === undefined ? text.url_title : undefined);
  const device = render('device');
  const sound = render('sound');
  const form: Record<string, string> = {
    token: config.token,
    user: config.user_key,
    title: cut(render('title') ?? text.title, PUSHOVER_LIMITS.title),
    message: body,
    priority: String(priority),
    ...(url ? { url: cut(url, PUSHOVER_LIMITS.url) } : {}),
    ...(urlTitle ? { url_title: cut(urlTitle, PUSHOVER_LIMITS.urlTitle) } : {}),
    ...(device ? { device } : {}),
    ...(sound ? { sound } : {}),
    ...(config.html ? { html: '1' } : {}),
    ...(config.monospace ? { monospace: '1' } : {}),
    ...(config.ttl ? { ttl: String(Math.round(config.ttl / 1000)) } : {}),
  };
  // Pushover reads retry and expire only for an emergency, and refuses one without them.
  if (priority === 2)
    Object.assign(form, { retry: String(Math.round(config.retry / 1000)), expire: String(Math.round(config.expire / 1000)) });
  return { form, priority };
}
