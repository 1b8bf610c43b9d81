import { randomUUID } from 'node:crypto';
import { startHttpStandIn, type HttpStandIn, type StandInAnswer } from './http-stand-in.js';

export interface FakeIncidentio {
  /** The alert source's URL, as `https://api.incident.io/v2/alert_events/alertmanager/<id>` is. */
  readonly url: string;
  readonly standIn: HttpStandIn;
  /** Events accepted (202), in arrival order. */
  readonly accepted: Array<Record<string, unknown>>;
  /** Alerts by deduplication key, and their last status. */
  readonly alerts: Map<string, 'firing' | 'resolved'>;
  failWith(answer: StandInAnswer | undefined): void;
  close(): Promise<void>;
}

const MAX_BYTES = 512 * 1024;

/**
 * An incident.io alert source stand-in: `POST /v2/alert_events/alertmanager/{config_id}` with the
 * source's token as `Authorization: Bearer`, JSON of at most 512 KB carrying `status` (firing or
 * resolved), `alerts` and a `deduplication_key`. It answers 202 `{status: "success", message:
 * "Event accepted for processing", deduplication_key}`, or the API's error shape `{type, status,
 * request_id, errors: [{code, message}]}`: 401 for a wrong token, 404 for an unknown source, 422
 * for an invalid body, 413 past the size. The 512 KB limit and the 413 are not in the public API
 * reference the project could check (its rate limits and the 429 with Retry-After are): they are
 * kept as the stricter answer, so the action must stay under the size whatever the real one does.
 */
export async function startFakeIncidentio(token: string, configId = '01GW2G3V0S59R238FAHPDS1R66'): Promise<FakeIncidentio> {
  const accepted: Array<Record<string, unknown>> = [];
  const alerts = new Map<string, 'firing' | 'resolved'>();
  let failure: StandInAnswer | undefined;
  const path = `/v2/alert_events/alertmanager/${configId}`;
  const standIn = await startHttpStandIn((request) => {
    if (failure) return failure;
    if (request.method !== 'POST' || request.url !== path) return error(404, 'not_found', 'No alert source config with this ID');
    if (request.headers.authorization !== `Bearer ${token}`) return error(401, 'authentication_error', 'The alert source token is invalid');
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json'))
      return error(422, 'validation_error', 'Expected JSON');
    if (request.raw.length > MAX_BYTES) return error(413, 'request_too_large', 'The payload exceeds 512KB');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.body) as Record<string, unknown>;
    } catch {
      return error(422, 'validation_error', 'Malformed JSON');
    }
    if (body.status !== 'firing' && body.status !== 'resolved')
      return error(422, 'validation_error', 'status must be one of [firing, resolved]');
    if (!Array.isArray(body.alerts)) return error(422, 'validation_error', 'alerts is required');
    if (typeof body.deduplication_key !== 'string' || body.deduplication_key === '')
      return error(422, 'validation_error', 'deduplication_key is required');
    accepted.push(body);
    alerts.set(body.deduplication_key, body.status);
    return {
      status: 202,
      body: { status: 'success', message: 'Event accepted for processing', deduplication_key: body.deduplication_key },
    };
  });
  return {
    url: `${standIn.url}${path}`,
    standIn,
    accepted,
    alerts,
    failWith(next) {
      failure = next;
    },
    close: () => standIn.close(),
  };
}

/** incident.io's 429: its error shape with a Retry-After. */
export function incidentioThrottled(seconds: number): StandInAnswer {
  return { ...error(429, 'rate_limit_exceeded', 'Too many requests'), headers: { 'retry-after': String(seconds) } };
}

function error(status: number, type: string, message: string): StandInAnswer {
  return { status, body: { type, status, request_id: randomUUID(), errors: [{ code: type, message }] } };
}
