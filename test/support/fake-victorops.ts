import { startHttpStandIn, type HttpStandIn, type StandInAnswer } from './http-stand-in.js';

export interface FakeVictorOps {
  /** The REST endpoint's URL before the keys, as `https://alert.victorops.com/integrations/generic/20131114/alert/` is. */
  readonly url: string;
  readonly standIn: HttpStandIn;
  /** Events accepted, in arrival order, with the routing key they came on. */
  readonly accepted: Array<{ routingKey: string; event: Record<string, string> }>;
  /** Incidents by entity_id: open until a RECOVERY. */
  readonly incidents: Map<string, 'open' | 'resolved'>;
  failWith(answer: StandInAnswer | undefined): void;
  close(): Promise<void>;
}

const PATH = '/integrations/generic/20131114/alert/';
const MESSAGE_TYPES = new Set(['CRITICAL', 'WARNING', 'INFO', 'ACKNOWLEDGEMENT', 'RECOVERY']);

/**
 * A Splunk On-Call REST endpoint stand-in: `POST …/alert/{api_key}/{routing_key}` with a JSON
 * body whose `message_type` is one of the five the endpoint knows and whose `state_message` keeps
 * to 20,480 characters. It answers 200 `{result: "success", entity_id}`, or `{result: "failure",
 * message}` with 400 for a bad body and 404 for an unknown key; it opens an incident on
 * CRITICAL and resolves it on RECOVERY of the same entity_id. Splunk's REST endpoint guide
 * documents the URL, `message_type` (the one required field) and its five values, and `entity_id`;
 * it documents no error statuses, so the 400/404 here and the 429 the tests set are what an HTTP
 * endpoint answers, not quotes of it: the action treats them by status class alone.
 */
export async function startFakeVictorOps(apiKey: string): Promise<FakeVictorOps> {
  const accepted: FakeVictorOps['accepted'] = [];
  const incidents = new Map<string, 'open' | 'resolved'>();
  let failure: StandInAnswer | undefined;
  const standIn = await startHttpStandIn((request) => {
    if (failure) return failure;
    const keys = request.url.startsWith(PATH) ? request.url.slice(PATH.length).split('/') : [];
    if (request.method !== 'POST' || keys.length !== 2 || !keys[1]) return fail(404, 'Not found');
    if (decodeURIComponent(keys[0]!) !== apiKey) return fail(404, 'Could not find the integration for this API key');
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json'))
      return fail(400, 'Content-Type must be application/json');
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(request.body) as Record<string, unknown>;
    } catch {
      return fail(400, 'Malformed JSON');
    }
    if (!MESSAGE_TYPES.has(String(event.message_type))) return fail(400, 'Missing fields: message_type');
    if (typeof event.state_message === 'string' && [...event.state_message].length > 20_480) return fail(400, 'state_message is too long');
    if (Object.values(event).some((v) => typeof v !== 'string')) return fail(400, 'Every field must be a string');
    const entityId = String(event.entity_id ?? '');
    accepted.push({ routingKey: decodeURIComponent(keys[1]), event: event as Record<string, string> });
    if (event.message_type === 'CRITICAL') incidents.set(entityId, 'open');
    if (event.message_type === 'RECOVERY' && incidents.has(entityId)) incidents.set(entityId, 'resolved');
    return { status: 200, body: { result: 'success', entity_id: entityId } };
  });
  return {
    url: `${standIn.url}${PATH}`,
    standIn,
    accepted,
    incidents,
    failWith(next) {
      failure = next;
    },
    close: () => standIn.close(),
  };
}

function fail(status: number, message: string): StandInAnswer {
  return { status, body: { result: 'failure', message } };
}
