import { startHttpStandIn, type HttpStandIn, type StandInAnswer } from './http-stand-in.js';

export interface PagerDutyEventReceived {
  readonly routing_key: string;
  readonly event_action: 'trigger' | 'acknowledge' | 'resolve';
  readonly dedup_key: string;
  readonly payload?: {
    summary: string;
    source: string;
    severity: string;
    timestamp?: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details?: Record<string, unknown>;
  };
  readonly links?: Array<{ href: string; text?: string }>;
  readonly client?: string;
  readonly client_url?: string;
}

export interface FakePagerDuty {
  /** The enqueue URL, as `https://events.pagerduty.com/v2/enqueue` is for the real one. */
  readonly url: string;
  readonly standIn: HttpStandIn;
  /** Events accepted (202), in arrival order. */
  readonly accepted: PagerDutyEventReceived[];
  /** Open incidents: dedup key → the trigger that opened it. */
  readonly open: Map<string, PagerDutyEventReceived>;
  /** How many incidents were ever opened (a trigger on an open key adds to it, not a new one). */
  incidentsOpened(): number;
  /** From now on, answer every request with this instead of processing it (an outage, a 429). */
  failWith(answer: StandInAnswer | undefined): void;
  close(): Promise<void>;
}

const SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);
const ACTIONS = new Set(['trigger', 'acknowledge', 'resolve']);

/**
 * An Events API v2 stand-in that checks an event as PagerDuty does and answers as it does:
 * 202 `{status: "success", message: "Event processed", dedup_key}`, or 400 `{status: "invalid
 * event", message: "Event object is invalid", errors: [...]}`. It keeps incidents by dedup key:
 * a trigger opens one (or adds to the open one), a resolve closes it.
 */
export async function startFakePagerDuty(routingKey = 'R0UT1NGKEY0000000000000000000001'): Promise<FakePagerDuty> {
  const accepted: PagerDutyEventReceived[] = [];
  const open = new Map<string, PagerDutyEventReceived>();
  let opened = 0;
  let failure: StandInAnswer | undefined;
  const standIn = await startHttpStandIn((request) => {
    if (failure) return failure;
    if (request.method !== 'POST' || request.url !== '/v2/enqueue') return { status: 404, body: { status: 'not found' } };
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json'))
      return invalid(['Content-Type must be application/json']);
    let event: PagerDutyEventReceived;
    try {
      event = JSON.parse(request.body) as PagerDutyEventReceived;
    } catch {
      return { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors: ['Malformed JSON'] } };
    }
    const errors = checkEvent(event, routingKey);
    if (errors.length > 0) return invalid(errors);
    accepted.push(event);
    if (event.event_action === 'trigger' && !open.has(event.dedup_key)) {
      open.set(event.dedup_key, event);
      opened += 1;
    }
    if (event.event_action === 'resolve') open.delete(event.dedup_key);
    return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: event.dedup_key } };
  });
  return {
    url: `${standIn.url}/v2/enqueue`,
    standIn,
    accepted,
    open,
    incidentsOpened: () => opened,
    failWith(answer) {
      failure = answer;
    },
    close: () => standIn.close(),
  };
}

function invalid(errors: string[]): StandInAnswer {
  return { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors } };
}

/** The checks the Events API makes; every problem found. */
function checkEvent(event: PagerDutyEventReceived, routingKey: string): string[] {
  const errors: string[] = [];
  if (typeof event.routing_key !== 'string' || event.routing_key.length !== 32)
    errors.push("Length of 'routing_key' is incorrect (should be 32 characters)");
  else if (event.routing_key !== routingKey) errors.push("'routing_key' does not match an integration");
  if (!ACTIONS.has(event.event_action)) errors.push("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)");
  if (event.dedup_key !== undefined && (typeof event.dedup_key !== 'string' || event.dedup_key.length > 255))
    errors.push("'dedup_key' is too long (at most 255 characters)");
  if (event.event_action !== 'trigger') {
    if (typeof event.dedup_key !== 'string' || event.dedup_key === '') errors.push("'dedup_key' is required for acknowledge and resolve");
    return errors;
  }
  const payload = event.payload;
  if (!payload || typeof payload !== 'object') return [...errors, "'payload' is missing"];
  if (typeof payload.summary !== 'string' || payload.summary === '') errors.push("'payload.summary' is missing");
  else if (payload.summary.length > 1024) errors.push("'payload.summary' is too long (at most 1024 characters)");
  if (typeof payload.source !== 'string' || payload.source === '') errors.push("'payload.source' is missing");
  if (!SEVERITIES.has(payload.severity)) errors.push("'payload.severity' is invalid (must be one of: critical, error, warning, info)");
  if (payload.timestamp !== undefined && Number.isNaN(Date.parse(payload.timestamp))) errors.push("'payload.timestamp' is not ISO 8601");
  if (payload.custom_details !== undefined && (typeof payload.custom_details !== 'object' || payload.custom_details === null))
    errors.push("'payload.custom_details' must be an object");
  for (const link of event.links ?? [])
    if (typeof link.href !== 'string' || !/^https?:\/\//.test(link.href)) errors.push("'links[].href' must be a URL");
  if (Buffer.byteLength(JSON.stringify(event)) > 512 * 1024) errors.push('Event is larger than 512 KB');
  return errors;
}
