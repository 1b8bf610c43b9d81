import { safeLink, type Link } from '../chat/alert-links.js';
import { cut, type Message } from '../chat/message-model.js';
import { PLAIN_TEXT, SMALL_HTML, textBody } from '../chat/text-body.js';

/** Pushover's documented limits (pushover.net/api#limits), in characters. */
export const PUSHOVER_LIMITS = { title: 250, message: 1024, url: 512, urlTitle: 100 } as const;

/** What one Pushover message shows: the form fields that carry text. */
export interface PushoverText {
  readonly title: string;
  readonly message: string;
  /** The supplementary URL and its title: the first alert's runbook, dashboard or source. */
  readonly url?: string;
  readonly url_title?: string;
}

/**
 * The message model as a Pushover notification: a title and a body of at most 1,024 characters,
 * in plain text, or in Pushover's small HTML (`<b>`, `<a href>`) when `html` is set. A phone shows
 * a few lines of it, so alerts fold early: as many as fit, then "…and N more".
 */
export function pushoverText(message: Message, options: { readonly html: boolean }): PushoverText {
  const body = textBody(message, { limit: PUSHOVER_LIMITS.message, markup: options.html ? SMALL_HTML : PLAIN_TEXT });
  const link = message.alerts.flatMap((a) => a.links).find((l) => l.text !== 'Silence') ?? alertmanagerPage(message);
  return {
    title: cut(message.title, PUSHOVER_LIMITS.title),
    message: body,
    ...(link && link.url.length <= PUSHOVER_LIMITS.url ? { url: link.url, url_title: cut(link.text, PUSHOVER_LIMITS.urlTitle) } : {}),
  };
}

/** Alertmanager's own default `url`: its page of the receiver's alerts. */
function alertmanagerPage(message: Message): Link | undefined {
  const base = message.externalURL?.replace(/\/+$/, '');
  const url = base === undefined ? undefined : safeLink(`${base}/#/alerts?receiver=${encodeURIComponent(message.receiver)}`);
  return url === undefined ? undefined : { text: 'Alertmanager', url };
}

/** The limits a finished Pushover form breaks (what `alertpipe render` reports). */
export function checkPushoverMessage(form: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  const limit = (field: string, max: number): void => {
    const value = form[field];
    if (value !== undefined && [...value].length > max) problems.push(`${field}: ${[...value].length} characters, Pushover takes ${max}`);
  };
  if (!form.message) problems.push('message: empty, Pushover refuses a message without text');
  limit('title', PUSHOVER_LIMITS.title);
  limit('message', PUSHOVER_LIMITS.message);
  limit('url', PUSHOVER_LIMITS.url);
  limit('url_title', PUSHOVER_LIMITS.urlTitle);
  if (form.priority === '2' && (Number(form.retry) < 30 || Number(form.expire) > 10_800))
    problems.push('priority 2 needs retry of at least 30 seconds and expire of at most 10800 seconds');
  return problems;
}
