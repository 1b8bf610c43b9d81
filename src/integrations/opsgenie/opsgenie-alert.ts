import { cut, type Message } from '../chat/message-model.js';
import { plainTextMessage } from '../chat/plain-text-message.js';

/** The Alert API's documented limits (docs.opsgenie.com/docs/alert-api, "Create Alert"). */
export const OPSGENIE_LIMITS = {
  message: 130,
  alias: 512,
  description: 15_000,
  responders: 50,
  tags: 20,
  tag: 50,
  actions: 10,
  action: 50,
  /** Keys and values of `details` together. */
  details: 8_000,
  entity: 512,
  source: 100,
  user: 100,
  note: 25_000,
} as const;

export const OPSGENIE_PRIORITIES = ['P1', 'P2', 'P3', 'P4', 'P5'] as const;

export interface OpsgenieResponder {
  readonly id?: string;
  readonly name?: string;
  readonly username?: string;
  readonly type: string;
}

/** A create-alert request body (`POST /v2/alerts`). */
export interface OpsgenieCreateAlert {
  readonly message: string;
  readonly alias: string;
  readonly description: string;
  readonly details: Readonly<Record<string, string>>;
  readonly source: string;
  readonly responders?: readonly OpsgenieResponder[];
  readonly visibleTo?: readonly OpsgenieResponder[];
  readonly tags?: readonly string[];
  readonly actions?: readonly string[];
  readonly entity?: string;
  readonly priority?: string;
  readonly note?: string;
}

/** What the config's templates made of this notification, each absent when not configured. */
export interface OpsgenieFields {
  readonly message?: string;
  readonly description?: string;
  readonly source?: string;
  readonly entity?: string;
  readonly note?: string;
  readonly priority?: string;
  readonly tags?: string;
  readonly actions?: string;
  /** `details` from the config, rendered; they win over the labels and the enrichment. */
  readonly details: Readonly<Record<string, string>>;
  readonly responders: readonly OpsgenieResponder[];
  readonly visibleTo: readonly OpsgenieResponder[];
}

/**
 * The alert for a firing group, from the message model: the title as `message`, the whole message
 * as plain text in `description`, and in `details` the config's details, then the group's common
 * labels (as Alertmanager sends them), then every shown alert's enrichment fields, as far as the
 * 8,000 characters go. Each field keeps to its documented limit.
 */
export function opsgenieAlert(message: Message, alias: string, fields: OpsgenieFields, notes: readonly string[]): OpsgenieCreateAlert {
  const withNotes = notes.length > 0 ? { ...message, notes: [...message.notes, ...notes] } : message;
  const description =
    fields.description === undefined
      ? plainTextMessage(withNotes, OPSGENIE_LIMITS.description)
      : cut([fields.description, ...notes.map((n) => `⚠ ${n}`)].join('\n'), OPSGENIE_LIMITS.description);
  const responders = expandTeams(fields.responders).slice(0, OPSGENIE_LIMITS.responders);
  const visibleTo = expandTeams(fields.visibleTo).slice(0, OPSGENIE_LIMITS.responders);
  const tags = commaList(fields.tags, OPSGENIE_LIMITS.tags, OPSGENIE_LIMITS.tag);
  const actions = commaList(fields.actions, OPSGENIE_LIMITS.actions, OPSGENIE_LIMITS.action);
  const priority = fields.priority?.trim().toUpperCase();
  const entity = fields.entity?.trim();
  const note = fields.note?.trim();
  return {
    message: cut(oneLine(fields.message) || message.title, OPSGENIE_LIMITS.message),
    alias: cut(alias, OPSGENIE_LIMITS.alias),
    description,
    details: detailsOf(message, fields.details),
    source: cut(fields.source?.trim() || 'alertpipe', OPSGENIE_LIMITS.source),
    ...(responders.length > 0 ? { responders } : {}),
    ...(visibleTo.length > 0 ? { visibleTo } : {}),
    ...(tags.length > 0 ? { tags } : {}),
    ...(actions.length > 0 ? { actions } : {}),
    ...(entity ? { entity: cut(entity, OPSGENIE_LIMITS.entity) } : {}),
    // A priority that rendered to something else is left out: Opsgenie then applies its default, P3.
    ...(priority && (OPSGENIE_PRIORITIES as readonly string[]).includes(priority) ? { priority } : {}),
    ...(note ? { note: cut(note, OPSGENIE_LIMITS.note) } : {}),
  };
}

function oneLine(text: string | undefined): string {
  return (text ?? '').replace(/\s*\n\s*/g, ' ').trim();
}

/** Alertmanager's `type: teams`: a comma-separated list of team names, one responder each; empty responders dropped. */
function expandTeams(responders: readonly OpsgenieResponder[]): OpsgenieResponder[] {
  return responders.flatMap((r): OpsgenieResponder[] => {
    const type = r.type.trim().toLowerCase();
    if (type === 'teams') return (r.name ?? '').split(',').flatMap((name) => (name.trim() ? [{ name: name.trim(), type: 'team' }] : []));
    const id = r.id?.trim();
    const name = r.name?.trim();
    const username = r.username?.trim();
    if (!id && !name && !username) return [];
    return [{ ...(id ? { id } : {}), ...(name ? { name } : {}), ...(username ? { username } : {}), type }];
  });
}

/** `a, b,,c` → `['a', 'b', 'c']`, as Alertmanager splits `tags` and `actions`, within the API's counts and lengths. */
function commaList(text: string | undefined, count: number, length: number): string[] {
  const items = (text ?? '').split(',').flatMap((item) => (item.trim() ? [cut(item.trim(), length)] : []));
  return [...new Set(items)].slice(0, count);
}

/** The details, in order of precedence, while the total stays within the limit. */
function detailsOf(message: Message, configured: Readonly<Record<string, string>>): Record<string, string> {
  const details: Record<string, string> = {};
  let used = 0;
  const add = (key: string, value: string): void => {
    if (Object.hasOwn(details, key)) return;
    const size = key.length + value.length;
    if (used + size > OPSGENIE_LIMITS.details) return;
    details[key] = value;
    used += size;
  };
  for (const [key, value] of Object.entries(configured)) add(key, value);
  for (const [key, value] of message.context) add(key, value);
  const single = message.alerts.length === 1;
  for (const alert of message.alerts) {
    const prefix = single ? '' : `${alert.labels.map(([, v]) => v).join(' ') || alert.name}: `;
    for (const field of alert.fields) add(`${prefix}${field.label}`, `${field.value}${field.sparkline ? ` · ${field.sparkline}` : ''}`);
    if (alert.notes.length > 0) add(`${prefix}notes`, alert.notes.join('; '));
  }
  return details;
}

/** The documented limits, checked on a finished body: what `alertpipe render` reports before anything is sent. */
export function checkOpsgenieAlert(body: OpsgenieCreateAlert): string[] {
  const problems: string[] = [];
  const over = (what: string, length: number, limit: number): void => {
    if (length > limit) problems.push(`${what}: ${length} characters (Opsgenie takes ${limit})`);
  };
  if (body.message.trim() === '') problems.push('message is empty (Opsgenie requires one)');
  over('message', body.message.length, OPSGENIE_LIMITS.message);
  over('alias', body.alias.length, OPSGENIE_LIMITS.alias);
  over('description', body.description.length, OPSGENIE_LIMITS.description);
  over('source', body.source.length, OPSGENIE_LIMITS.source);
  over('entity', body.entity?.length ?? 0, OPSGENIE_LIMITS.entity);
  over('note', body.note?.length ?? 0, OPSGENIE_LIMITS.note);
  over(
    'details',
    Object.entries(body.details).reduce((n, [k, v]) => n + k.length + v.length, 0),
    OPSGENIE_LIMITS.details,
  );
  if ((body.tags?.length ?? 0) > OPSGENIE_LIMITS.tags) problems.push(`${body.tags?.length} tags (Opsgenie takes ${OPSGENIE_LIMITS.tags})`);
  if ((body.actions?.length ?? 0) > OPSGENIE_LIMITS.actions)
    problems.push(`${body.actions?.length} actions (Opsgenie takes ${OPSGENIE_LIMITS.actions})`);
  return problems;
}
