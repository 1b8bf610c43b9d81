import type { Request } from 'express';
import { z } from 'zod';
import type { IncidentState } from '../../store/ports/incidents.js';
import type { Actor } from '../../store/ports/records.js';
import { ValidationError } from '../http-errors.js';
import { parseJsonBody } from '../parse-json.js';
import { refuseNul } from '../store-text.js';

/** What `?state=` may say; `open` is both states whose episode is not over. */
export const STATE_FILTERS: Readonly<Record<string, readonly IncidentState[]>> = {
  open: ['triggered', 'acknowledged'],
  triggered: ['triggered'],
  acknowledged: ['acknowledged'],
  resolved: ['resolved'],
  all: ['triggered', 'acknowledged', 'resolved'],
};

const MAX_LIMIT = 500;
const DEFAULT_LIMIT = 100;

export function parseIncidentQuery(query: Request['query']): { states: readonly IncidentState[]; limit: number; groupKey?: string } {
  const state = single(query.state, 'state') ?? 'open';
  const states = Object.hasOwn(STATE_FILTERS, state) ? STATE_FILTERS[state] : undefined;
  if (states === undefined)
    throw new ValidationError(`state must be one of ${Object.keys(STATE_FILTERS).join(', ')}`, [
      { path: 'state', message: `got ${state}` },
    ]);
  const rawLimit = single(query.limit, 'limit');
  const limit = rawLimit === undefined ? DEFAULT_LIMIT : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new ValidationError(`limit must be an integer from 1 to ${MAX_LIMIT}`, [{ path: 'limit', message: `got ${rawLimit}` }]);
  const groupKey = single(query.groupKey, 'groupKey');
  refuseNul(groupKey, 'groupKey');
  return { states, limit, ...(groupKey === undefined ? {} : { groupKey }) };
}

function single(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ValidationError(`${name} must be given once`, [{ path: name, message: 'repeated' }]);
  return value;
}

// Strict: a misspelt field (`"By"`) is refused rather than acted on as if no name were given.
const CommandBody = z.strictObject({ by: z.string().trim().min(1).max(200).optional() });

/** The optional `{"by": "..."}` of a command; an empty body is the same as `{}`. */
export function parseCommandBody(text: string): { by?: string } {
  if (text.trim() === '') return {};
  const parsed = CommandBody.safeParse(parseJsonBody(text));
  if (parsed.success) return parsed.data.by === undefined ? {} : { by: parsed.data.by };
  throw new ValidationError(
    'send {"by": "<who>"} or an empty body',
    parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  );
}

/**
 * Who gives the command: `id` is who signed in (the HTTP Basic user; a bearer token names no
 * one), `name` what the body says, or the id. `via` is `console` for a request from the console's
 * page: browsers send `Sec-Fetch-Site: same-origin` on the page's own requests, a header no page
 * script can set; any other caller is `api`.
 */
export function actorOf(req: Request, by: string | undefined): Actor {
  const id = signedInAs(req.headers.authorization);
  const via = req.headers['sec-fetch-site'] === 'same-origin' ? 'console' : 'api';
  return { id, name: by ?? id, via };
}

function signedInAs(authorization: string | undefined): string {
  const [scheme = '', credentials = ''] = (authorization ?? '').split(' ', 2);
  if (scheme.toLowerCase() === 'bearer') return 'bearer token';
  if (scheme.toLowerCase() !== 'basic') return 'anonymous';
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? decoded.slice(0, colon) : 'anonymous';
}
