import { actionFieldsOf } from './action-fields.js';
import { RECEIVER_KINDS, secretPairKey } from './am-receiver-table.js';
import { adjustForType } from './receiver-adjustments.js';

/** One `<x>_configs` entry of a receiver, as alertpipe takes it. */
export interface TranslatedReceiver {
  /** The action's config section; absent when alertpipe has no equivalent. */
  readonly section?: Record<string, unknown>;
  /** True when the section's type is not in this build: it is printed commented out. */
  readonly unavailable: boolean;
  /** What did not carry over, and why: printed as comments above the action. */
  readonly notes: string[];
}

// The Alertmanager fields whose Go template is, in alertpipe, one of the chat templates.
const TEMPLATE_HINTS: Readonly<Record<string, string>> = {
  title: 'templates.title',
  text: 'templates.text',
  message: 'templates.text',
  summary: 'templates.title',
};

const hasGoTemplate = (value: unknown): boolean =>
  typeof value === 'string'
    ? value.includes('{{')
    : Array.isArray(value)
      ? value.some(hasGoTemplate)
      : value !== null && typeof value === 'object' && Object.values(value).some(hasGoTemplate);

/**
 * Translates one entry of `kind` (`slack_configs`, ...): the global values it omits inlined, its
 * fields renamed where alertpipe names them differently, Go templates and fields the target type
 * does not have left out with a note each, and Alertmanager's `send_resolved` default made explicit.
 */
export function translateReceiver(
  kind: string,
  entry: Readonly<Record<string, unknown>>,
  global: Readonly<Record<string, unknown>>,
): TranslatedReceiver {
  const spec = RECEIVER_KINDS[kind];
  if (spec?.type === undefined) {
    return { unavailable: false, notes: [`${kind}: ${spec?.missing ?? 'not an Alertmanager receiver alertpipe knows'}; not carried over`] };
  }
  const type = spec.type;
  const notes: string[] = spec.note ? [spec.note] : [];
  const fields: Record<string, unknown> = { ...entry };
  if (fields.http_config !== undefined) {
    credentialsFromHttpConfig(type, fields.http_config, fields, notes);
    notes.push("http_config (proxy, TLS, client auth of Alertmanager's HTTP client) dropped: alertpipe actions do not take it");
    delete fields.http_config;
  }
  for (const [field, globalKey] of Object.entries(spec.globals ?? {})) {
    const pair = secretPairKey(field);
    const given = fields[pair] !== undefined || fields[`${pair}_file`] !== undefined;
    if (!given && global[globalKey] !== undefined) fields[field] = global[globalKey];
  }
  // The pair rule above takes the global secret or its file, never both: a global pair written
  // twice would have been refused by Alertmanager already.
  if (fields.send_resolved === undefined && !spec.sendResolvedDefault) fields.send_resolved = false;
  adjustForType(type, fields, notes);
  for (const [from, to] of Object.entries(spec.renames ?? {})) {
    if (fields[from] === undefined) continue;
    fields[to] = fields[from];
    delete fields[from];
  }
  for (const [key, value] of Object.entries(fields)) {
    if (!hasGoTemplate(value)) continue;
    const hint = TEMPLATE_HINTS[key];
    notes.push(
      `${key}: an Alertmanager Go template; alertpipe's templates are Liquid${hint ? ` (write it as ${hint})` : ''}; left out: ${oneLine(value)}`,
    );
    delete fields[key];
  }
  const known = actionFieldsOf(type);
  if (known) {
    for (const key of Object.keys(fields)) {
      const fileOf = key.endsWith('_file') ? key.slice(0, -'_file'.length) : undefined;
      if (known.fields.has(key) || (fileOf !== undefined && known.secrets.has(fileOf))) continue;
      notes.push(`${key}: alertpipe's ${type} action has no such field; left out`);
      delete fields[key];
    }
  }
  return { section: { type, ...escapeDollars(fields) }, unavailable: known === undefined, notes };
}

// alertpipe reads `${VAR}` in config strings; Alertmanager does not, so a `$` is meant literally.
export function escapeDollars(value: unknown): Record<string, unknown> {
  return escape(value) as Record<string, unknown>;
}

function escape(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('$', '$$$$');
  if (Array.isArray(value)) return value.map(escape);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escape(v)]));
  return value;
}

function oneLine(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}

/**
 * Where Alertmanager's only credential is the HTTP client's (Jira's basic auth or token, Webex's
 * bot token), it becomes the action's own credential field, `_file` kept as `_file`.
 */
function credentialsFromHttpConfig(type: string, httpConfig: unknown, fields: Record<string, unknown>, notes: string[]): void {
  if (httpConfig === null || typeof httpConfig !== 'object') return;
  const { basic_auth: basic, authorization } = httpConfig as Record<string, Record<string, unknown> | undefined>;
  const copy = (from: Record<string, unknown> | undefined, key: string, to: string): void => {
    for (const suffix of ['', '_file']) {
      const value = from?.[`${key}${suffix}`];
      if (value !== undefined && fields[`${to}${suffix}`] === undefined) fields[`${to}${suffix}`] = value;
    }
  };
  if (type === 'jira') {
    copy(basic, 'username', 'username');
    copy(basic, 'password', 'password');
    copy(authorization, 'credentials', 'bearer_token');
  } else if (type === 'webex') {
    copy(authorization, 'credentials', 'bot_token');
  } else {
    return;
  }
  notes.push(`http_config's credentials became the ${type} action's own`);
}
