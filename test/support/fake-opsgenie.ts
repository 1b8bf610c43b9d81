import { randomUUID } from 'node:crypto';
import { startHttpStandIn, type HttpStandIn, type RecordedRequest, type StandInAnswer } from './http-stand-in.js';

export interface OpsgenieAlertReceived {
  readonly message: string;
  readonly alias?: string;
  readonly description?: string;
  readonly responders?: Array<{ id?: string; name?: string; username?: string; type: string }>;
  readonly visibleTo?: Array<{ id?: string; name?: string; username?: string; type: string }>;
  readonly tags?: string[];
  readonly actions?: string[];
  readonly details?: Record<string, string>;
  readonly entity?: string;
  readonly source?: string;
  readonly priority?: string;
  readonly note?: string;
  readonly user?: string;
}

/** One alert as Opsgenie keeps it, by alias. */
export interface OpsgenieAlertState {
  readonly created: OpsgenieAlertReceived;
  message: string;
  description: string;
  status: 'open' | 'closed';
  acknowledged: boolean;
  count: number;
}

export interface FakeOpsgenie {
  /** The API's root, as `https://api.opsgenie.com/` is for the real one. */
  readonly url: string;
  readonly standIn: HttpStandIn;
  /** Alerts by alias. */
  readonly alerts: Map<string, OpsgenieAlertState>;
  /** Every valid request taken (202), as `METHOD path`. */
  readonly accepted: string[];
  /** From now on, answer every request with this instead of processing it (an outage, a 429). */
  failWith(answer: StandInAnswer | undefined): void;
  close(): Promise<void>;
}

const LIMITS = { message: 130, alias: 512, description: 15_000, entity: 512, source: 100, user: 100, note: 25_000, details: 8_000 };
const RESPONDER_TYPES = new Set(['team', 'user', 'escalation', 'schedule']);
const PRIORITIES = new Set(['P1', 'P2', 'P3', 'P4', 'P5']);

/** Opsgenie's throttled answer: 429 with its rate-limit headers and no Retry-After. */
export function opsgenieThrottled(periodSeconds = 1): StandInAnswer {
  return {
    status: 429,
    headers: { 'x-ratelimit-state': 'THROTTLED', 'x-ratelimit-reason': 'INTEGRATION', 'x-ratelimit-period-in-sec': String(periodSeconds) },
    body: {
      message: 'You are making too many requests! To avoid errors, we recommend you limit requests.',
      took: 0.001,
      requestId: randomUUID(),
    },
  };
}

/**
 * An Alert API v2 stand-in that checks each request as Opsgenie documents it (the GenieKey, JSON,
 * every field's limit, the responders' shape, `identifierType`) and answers as Opsgenie does: 202
 * `{result: "Request will be processed", took, requestId}`; 401 for a wrong key; 422 `{message,
 * errors, took, requestId}` for an invalid body; 404 for an unknown path; 415 for a body that is
 * not JSON by its Content-Type (docs.opsgenie.com/docs/response lists each of these codes). It keeps alerts by alias
 * as Opsgenie does: a create on an open alias counts one more occurrence and changes nothing else.
 */
export async function startFakeOpsgenie(apiKey: string): Promise<FakeOpsgenie> {
  const alerts = new Map<string, OpsgenieAlertState>();
  const accepted: string[] = [];
  let failure: StandInAnswer | undefined;
  const standIn = await startHttpStandIn((request) => {
    if (failure) return failure;
    const url = new URL(request.url, 'http://opsgenie');
    if (request.headers.authorization !== `GenieKey ${apiKey}`) return answer(401, { message: 'Could not authenticate' });
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json'))
      return answer(415, { message: 'Unsupported Media Type' });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.body) as Record<string, unknown>;
    } catch {
      return answer(400, { message: 'Invalid JSON body' });
    }
    const route = routeOf(request, url);
    if (route === undefined) return answer(404, { message: 'Not Found' });
    const errors = route.kind === 'create' ? checkCreate(body) : checkAction(route.kind, body, url);
    if (Object.keys(errors).length > 0)
      return answer(422, { message: 'Request body is not processable. Please check the errors.', errors });
    accepted.push(`${request.method} ${url.pathname}`);
    apply(alerts, route, body);
    return answer(202, { result: 'Request will be processed' });
  });
  return {
    url: `${standIn.url}/`,
    standIn,
    alerts,
    accepted,
    failWith(next) {
      failure = next;
    },
    close: () => standIn.close(),
  };
}

type Route = { kind: 'create' } | { kind: 'close' | 'acknowledge' | 'message' | 'description'; alias: string };

function routeOf(request: RecordedRequest, url: URL): Route | undefined {
  if (request.method === 'POST' && url.pathname === '/v2/alerts') return { kind: 'create' };
  const match = /^\/v2\/alerts\/([^/]+)\/(close|acknowledge|message|description)$/.exec(url.pathname);
  if (!match) return undefined;
  const kind = match[2] as 'close' | 'acknowledge' | 'message' | 'description';
  const method = kind === 'message' || kind === 'description' ? 'PUT' : 'POST';
  return request.method === method ? { kind, alias: decodeURIComponent(match[1]!) } : undefined;
}

function apply(alerts: Map<string, OpsgenieAlertState>, route: Route, body: Record<string, unknown>): void {
  if (route.kind === 'create') {
    const created = body as unknown as OpsgenieAlertReceived;
    const alias = created.alias ?? randomUUID();
    const open = alerts.get(alias);
    if (open?.status === 'open') open.count += 1;
    else
      alerts.set(alias, {
        created,
        message: created.message,
        description: created.description ?? '',
        status: 'open',
        acknowledged: false,
        count: 1,
      });
    return;
  }
  // Requests on an alias that matches no alert are still accepted (202): Opsgenie processes them later.
  const alert = alerts.get(route.alias);
  if (!alert) return;
  if (route.kind === 'close') alert.status = 'closed';
  if (route.kind === 'acknowledge') alert.acknowledged = true;
  if (route.kind === 'message') alert.message = String(body.message);
  if (route.kind === 'description') alert.description = String(body.description);
}

function checkCreate(body: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  if (typeof body.message !== 'string' || body.message.trim() === '') errors.message = 'Message can not be empty.';
  for (const [field, limit] of Object.entries(LIMITS)) {
    const value = body[field];
    if (field === 'details' || value === undefined) continue;
    if (typeof value !== 'string') errors[field] = `${field} should be a string.`;
    else if ([...value].length > limit) errors[field] = `${field} can not be longer than ${limit} characters.`;
  }
  const details = body.details;
  if (details !== undefined) {
    if (typeof details !== 'object' || details === null || Array.isArray(details)) errors.details = 'details should be a map.';
    else if (Object.values(details).some((v) => typeof v !== 'string')) errors.details = 'details values should be strings.';
    else if (Object.entries(details).reduce((n, [k, v]) => n + k.length + String(v).length, 0) > LIMITS.details)
      errors.details = `details can not be longer than ${LIMITS.details} characters in total.`;
  }
  checkList(body.tags, 'tags', 20, 50, errors);
  checkList(body.actions, 'actions', 10, 50, errors);
  for (const list of ['responders', 'visibleTo'] as const) {
    const value = body[list];
    if (value === undefined) continue;
    if (!Array.isArray(value) || value.length > 50) errors[list] = `${list} should be a list of at most 50.`;
    else
      for (const r of value as Array<Record<string, unknown>>)
        if (!RESPONDER_TYPES.has(String(r.type)) || !(r.id || r.name || r.username)) errors[list] = `${list} have an invalid responder.`;
  }
  if (body.priority !== undefined && !PRIORITIES.has(String(body.priority)))
    errors.priority = 'Priority should be one of [P1, P2, P3, P4, P5]';
  return errors;
}

function checkList(value: unknown, field: string, count: number, length: number, errors: Record<string, string>): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.length > count) errors[field] = `${field} can not have more than ${count} items.`;
  else if (value.some((v) => typeof v !== 'string' || v.length > length))
    errors[field] = `${field} items can not be longer than ${length} characters.`;
}

function checkAction(kind: string, body: Record<string, unknown>, url: URL): Record<string, string> {
  const errors: Record<string, string> = {};
  // Without identifierType=alias, Opsgenie reads the path as the alert's id, which an alias is not.
  if (url.searchParams.get('identifierType') !== 'alias') errors.identifierType = 'identifierType should be alias for an alias.';
  for (const field of ['source', 'user', 'note'] as const) {
    const value = body[field];
    if (value !== undefined && (typeof value !== 'string' || value.length > LIMITS[field])) errors[field] = `${field} is invalid.`;
  }
  if (kind === 'message' && (typeof body.message !== 'string' || body.message === '' || body.message.length > LIMITS.message))
    errors.message = 'Message can not be empty.';
  if (kind === 'description' && (typeof body.description !== 'string' || body.description.length > LIMITS.description))
    errors.description = 'Description is invalid.';
  return errors;
}

function answer(status: number, body: Record<string, unknown>): StandInAnswer {
  return { status, body: { ...body, took: 0.002, requestId: randomUUID() } };
}
