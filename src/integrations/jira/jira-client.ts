import { VERSION } from '../../lib/version.js';
import { ACTION_RESPONSE_LIMIT, outboundRequest } from '../../outbound/outbound-request.js';
import { ActionError, isRetryableStatus, parseRetryAfter } from '../action-error.js';
import { toActionError } from '../http-post.js';

/** An issue as the search answers it: its key and where its workflow has it. */
export interface FoundIssue {
  readonly key: string;
  /** `new`, `indeterminate` or `done`: the status category, the same whatever the workflow calls its statuses. */
  readonly statusCategory: string;
  readonly status: string;
}

export interface JiraTransition {
  readonly id: string;
  readonly name: string;
}

export interface JiraClient {
  search(jql: string, signal: AbortSignal): Promise<FoundIssue[]>;
  create(fields: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<string>;
  edit(key: string, fields: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<void>;
  transitions(key: string, signal: AbortSignal): Promise<JiraTransition[]>;
  transition(key: string, id: string, signal: AbortSignal): Promise<void>;
  comment(key: string, body: unknown, signal: AbortSignal): Promise<void>;
}

export interface JiraClientOptions {
  /** `https://example.atlassian.net/rest/api/3`. */
  readonly apiUrl: string;
  readonly apiType: 'auto' | 'cloud' | 'datacenter';
  readonly authorization: string;
  readonly timeoutMs: number;
}

/**
 * The calls alertpipe makes to Jira's REST API, on the shared outbound layer. A client of our own:
 * six calls, and the packages for Jira (jira.js, jira-client) retry on their own and do not take an
 * abort signal. Non-2xx answers become `ActionError`s under the shared policy (429 after its
 * Retry-After and 5xx retried; 400, 401, 403 and 404 are not), with Jira's own `errorMessages`
 * and `errors` in the message.
 */
export function createJiraClient(options: JiraClientOptions): JiraClient {
  const base = options.apiUrl.replace(/\/+$/, '');
  const searchPath = cloudSearch(base, options.apiType) ? '/search/jql' : '/search';

  async function call(method: 'GET' | 'POST' | 'PUT', path: string, body: unknown, signal: AbortSignal): Promise<unknown> {
    const url = `${base}${path}`;
    let response;
    try {
      response = await outboundRequest({
        url,
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        headers: {
          Authorization: options.authorization,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          'User-Agent': `alertpipe/${VERSION}`,
        },
        destination: 'Jira',
        timeoutMs: options.timeoutMs,
        maxResponseBytes: ACTION_RESPONSE_LIMIT,
        signal,
      });
    } catch (error) {
      throw toActionError('Jira', error);
    }
    const { status } = response;
    const where = `${method} ${path.split('?')[0] ?? path}`;
    if (status < 200 || status >= 300) {
      throw new ActionError(`Jira answered ${status} to ${where}${jiraReason(response.body)}`, {
        retryable: isRetryableStatus(status),
        status,
        ...optional(parseRetryAfter(response.headers['retry-after'])),
      });
    }
    if (response.body.trim() === '') return undefined;
    try {
      return JSON.parse(response.body) as unknown;
    } catch {
      // Something in between (a proxy, a login page) answered; the next attempt searches first, so
      // an issue that was created after all is found instead of created twice.
      throw new ActionError(`Jira answered ${status} to ${where} with a body that is not JSON`, { retryable: true, status });
    }
  }

  return {
    async search(jql, signal) {
      // The statuses are all the decision needs; two issues are enough to know there are several.
      const answer = (await call('POST', searchPath, { jql, maxResults: 2, fields: ['status'] }, signal)) as SearchAnswer | undefined;
      return (answer?.issues ?? []).flatMap((issue) =>
        typeof issue.key === 'string'
          ? [
              {
                key: issue.key,
                status: issue.fields?.status?.name ?? '',
                statusCategory: issue.fields?.status?.statusCategory?.key ?? '',
              },
            ]
          : [],
      );
    },
    async create(fields, signal) {
      const answer = (await call('POST', '/issue', { fields }, signal)) as { key?: unknown } | undefined;
      if (typeof answer?.key !== 'string') throw new ActionError('Jira created an issue but answered no key', { retryable: true });
      return answer.key;
    },
    async edit(key, fields, signal) {
      await call('PUT', `/issue/${encodeURIComponent(key)}`, { fields }, signal);
    },
    async transitions(key, signal) {
      const answer = (await call('GET', `/issue/${encodeURIComponent(key)}/transitions`, undefined, signal)) as
        { transitions?: { id?: unknown; name?: unknown }[] } | undefined;
      return (answer?.transitions ?? []).flatMap((t) =>
        typeof t.id === 'string' && typeof t.name === 'string' ? [{ id: t.id, name: t.name }] : [],
      );
    },
    async transition(key, id, signal) {
      await call('POST', `/issue/${encodeURIComponent(key)}/transitions`, { transition: { id } }, signal);
    },
    async comment(key, body, signal) {
      await call('POST', `/issue/${encodeURIComponent(key)}/comment`, { body }, signal);
    },
  };
}

interface SearchAnswer {
  readonly issues?: { key?: unknown; fields?: { status?: { name?: string; statusCategory?: { key?: string } } } }[];
}

/**
 * Cloud has retired `POST /search` (it answers 410) for `/search/jql`, which Data Center does not
 * have. An `/rest/api/3` URL or an atlassian.net host is Cloud; `api_type` says so when neither does.
 */
function cloudSearch(base: string, apiType: JiraClientOptions['apiType']): boolean {
  if (apiType !== 'auto') return apiType === 'cloud';
  const url = new URL(base);
  return url.hostname.endsWith('.atlassian.net') || /\/rest\/api\/3$/.test(url.pathname);
}

/** `: summary: Summary must be less than 255 characters.` from Jira's `{ errorMessages, errors }`. */
function jiraReason(body: string): string {
  let parsed: { errorMessages?: unknown; errors?: unknown; message?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    const text = body.trim();
    return text ? `: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}` : '';
  }
  const messages = Array.isArray(parsed.errorMessages) ? parsed.errorMessages.map(String) : [];
  const fields =
    parsed.errors && typeof parsed.errors === 'object'
      ? Object.entries(parsed.errors as Record<string, unknown>).map(([field, message]) => `${field}: ${String(message)}`)
      : [];
  const reasons = [...messages, ...fields, ...(typeof parsed.message === 'string' ? [parsed.message] : [])];
  const text = reasons.join('; ');
  return text ? `: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}` : '';
}

function optional(retryAfterMs: number | undefined): { retryAfterMs?: number } {
  return retryAfterMs === undefined ? {} : { retryAfterMs };
}
