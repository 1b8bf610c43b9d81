import { startHttpStandIn, type HttpStandIn, type RecordedRequest, type StandInAnswer } from './http-stand-in.js';
import { adfProblems, fieldProblems, parseJql } from './fake-jira-checks.js';

export interface FakeIssue {
  readonly key: string;
  readonly id: string;
  fields: Record<string, unknown>;
  status: 'To Do' | 'In Progress' | 'Done';
  resolution?: string;
  /** Epoch ms; a test moves it back to age the resolution. */
  resolvedAt?: number;
  readonly comments: unknown[];
}

export interface FakeJira {
  /** The REST API's URL, `…/rest/api/2` or `…/rest/api/3`, as `api_url` names it. */
  readonly url: string;
  readonly standIn: HttpStandIn;
  readonly issues: Map<string, FakeIssue>;
  /** Every answer that was not a 2xx, with its body: a refusal the action should never have caused. */
  readonly refused: { request: string; status: number; body: unknown }[];
  /** From now on, answer every request with this instead of processing it (an outage). */
  failWith(answer: StandInAnswer | undefined): void;
  /**
   * Jira Cloud's burst limit for the next `seconds`: every request answers 429 with the Retry-After
   * left (and a request sent before it ends is refused again, as Cloud does), then all is served.
   */
  throttle(seconds: number): void;
  /** Requests that arrived while throttled. */
  throttled(): number;
  close(): Promise<void>;
}

export interface FakeJiraOptions {
  /** 2: Data Center (wiki text, `POST /search`); 3: Cloud (ADF, only `POST /search/jql`). */
  readonly version: 2 | 3;
  /** Basic `user:secret`, or a personal access token (Bearer). */
  readonly auth: { readonly basic: string } | { readonly bearer: string };
  readonly project?: string;
}

const CATEGORY = { 'To Do': 'new', 'In Progress': 'indeterminate', Done: 'done' } as const;
// The simplified workflow of a Cloud team project: every transition is named after its status.
const TRANSITIONS = [
  { id: '11', name: 'To Do' },
  { id: '21', name: 'In Progress' },
  { id: '31', name: 'Done' },
] as const;

const answer = (status: number, errorMessages: string[], errors: Record<string, string> = {}): StandInAnswer => ({
  status,
  body: { errorMessages, errors },
});

/**
 * A Jira REST API that keeps issues in memory and answers as Jira does: it checks the credentials
 * (401), the content type (415), the JQL (only what alertpipe sends; anything else 400), the
 * fields of an issue (required ones, sizes, labels without spaces, ADF on v3, strings on v2) with
 * Jira's `{errorMessages, errors}`, and offers a workflow's transitions by the issue's status.
 */
export async function startFakeJira(options: FakeJiraOptions): Promise<FakeJira> {
  const project = options.project ?? 'OPS';
  const issues = new Map<string, FakeIssue>();
  const refused: FakeJira['refused'] = [];
  let failure: StandInAnswer | undefined;
  let blockedUntil = 0;
  let throttledCount = 0;
  let next = 1;
  const base = `/rest/api/${options.version}`;
  const expectedAuth =
    'basic' in options.auth ? `Basic ${Buffer.from(options.auth.basic).toString('base64')}` : `Bearer ${options.auth.bearer}`;

  const handle = (request: RecordedRequest): StandInAnswer => {
    if (failure) return failure;
    if (Date.now() < blockedUntil) {
      throttledCount += 1;
      const seconds = Math.ceil((blockedUntil - Date.now()) / 1000);
      return {
        status: 429,
        headers: {
          'retry-after': String(seconds),
          'ratelimit-reason': 'jira-burst-based',
          'x-ratelimit-reset': new Date(blockedUntil).toISOString(),
        },
        body: { errorMessages: ['Rate limit exceeded.'], errors: {} },
      };
    }
    if (request.headers.authorization !== expectedAuth)
      return answer(401, ['You are not authenticated. Authentication required to perform this operation.']);
    const path = request.url.split('?')[0] ?? '';
    if (!path.startsWith(`${base}/`)) return { status: 404, body: 'Not Found' };
    const route = `${request.method} ${path.slice(base.length)}`;
    let body: Record<string, unknown> = {};
    if (request.method === 'POST' || request.method === 'PUT') {
      if (!String(request.headers['content-type'] ?? '').startsWith('application/json'))
        return { status: 415, body: 'Unsupported Media Type' };
      try {
        body = JSON.parse(request.body) as Record<string, unknown>;
      } catch {
        return answer(400, ['Unexpected character in the request body: it is not JSON.']);
      }
    }
    if (route === 'POST /search' || route === 'POST /search/jql') return search(route === 'POST /search/jql', body);
    if (route === 'POST /issue') return create(body);
    const issueRoute = /^(GET|PUT|POST) \/issue\/([A-Z]+-\d+)(\/transitions|\/comment)?$/.exec(route);
    if (!issueRoute) return { status: 404, body: 'Not Found' };
    const issue = issues.get(issueRoute[2] ?? '');
    if (!issue) return answer(404, ['Issue does not exist or you do not have permission to see it.']);
    const [, method, , sub] = issueRoute;
    if (method === 'PUT' && sub === undefined) return edit(issue, body);
    if (method === 'GET' && sub === '/transitions')
      return { status: 200, body: { expand: 'transitions', transitions: transitionsOf(issue) } };
    if (method === 'POST' && sub === '/transitions') return move(issue, body);
    if (method === 'POST' && sub === '/comment') return comment(issue, body);
    return { status: 405, body: 'Method Not Allowed' };
  };

  const search = (jqlEndpoint: boolean, body: Record<string, unknown>): StandInAnswer => {
    // Cloud has removed POST /search; Data Center never had /search/jql.
    if (options.version === 3 && !jqlEndpoint)
      return answer(410, ['The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.']);
    if (options.version === 2 && jqlEndpoint) return { status: 404, body: 'Not Found' };
    if (jqlEndpoint && 'startAt' in body)
      return answer(400, ['Invalid request payload. Refer to the REST API documentation and try again.']);
    if (typeof body.jql !== 'string') return answer(400, ['The JQL query is required.']);
    const jql = parseJql(body.jql);
    if (typeof jql === 'string') return answer(400, [jql]);
    if (jql.project !== project) return answer(400, [`The value '${jql.project}' does not exist for the field 'project'.`]);
    const now = Date.now();
    const found = [...issues.values()]
      .filter((i) => (i.fields.labels as string[]).includes(jql.label))
      .filter((i) => jql.wontFix === undefined || i.resolution !== jql.wontFix)
      .filter((i) =>
        jql.reopenMinutes === undefined
          ? i.status !== 'Done'
          : i.resolvedAt === undefined || i.resolvedAt >= now - jql.reopenMinutes * 60_000,
      )
      .sort((a, b) => Number(a.status === 'Done') - Number(b.status === 'Done') || (b.resolvedAt ?? 0) - (a.resolvedAt ?? 0));
    const max = typeof body.maxResults === 'number' ? body.maxResults : 50;
    const shown = found.slice(0, max).map((i) => ({
      id: i.id,
      key: i.key,
      fields: { status: { name: i.status, statusCategory: { key: CATEGORY[i.status] } } },
    }));
    return {
      status: 200,
      body: jqlEndpoint ? { issues: shown, isLast: true } : { startAt: 0, maxResults: max, total: found.length, issues: shown },
    };
  };

  const create = (body: Record<string, unknown>): StandInAnswer => {
    const fields = (body.fields ?? {}) as Record<string, unknown>;
    const errors = fieldProblems(fields, {
      creating: true,
      version: options.version,
      issueTypes: ['Bug', 'Task'],
      priorities: ['High', 'Medium', 'Low'],
    });
    const key = (fields.project as { key?: unknown } | undefined)?.key;
    if (key !== project) errors.project = 'Specify a valid project ID or key';
    if (Object.keys(errors).length > 0) return answer(400, [], errors);
    const issue: FakeIssue = { key: `${project}-${next}`, id: String(10_000 + next), fields, status: 'To Do', comments: [] };
    next += 1;
    issues.set(issue.key, issue);
    return { status: 201, body: { id: issue.id, key: issue.key, self: `http://jira${base}/issue/${issue.id}` } };
  };

  const edit = (issue: FakeIssue, body: Record<string, unknown>): StandInAnswer => {
    const fields = (body.fields ?? {}) as Record<string, unknown>;
    const errors = fieldProblems(fields, {
      creating: false,
      version: options.version,
      issueTypes: [],
      priorities: ['High', 'Medium', 'Low'],
    });
    if (Object.keys(errors).length > 0) return answer(400, [], errors);
    issue.fields = { ...issue.fields, ...fields };
    return { status: 204 };
  };

  const transitionsOf = (issue: FakeIssue) =>
    TRANSITIONS.filter((t) => t.name !== issue.status).map((t) => ({
      ...t,
      to: { name: t.name, statusCategory: { key: CATEGORY[t.name] } },
    }));

  const move = (issue: FakeIssue, body: Record<string, unknown>): StandInAnswer => {
    const id = (body.transition as { id?: unknown } | undefined)?.id;
    const transition = transitionsOf(issue).find((t) => t.id === id);
    if (!transition) return answer(400, [`Transition id '${String(id)}' is not valid for this issue.`]);
    issue.status = transition.name;
    if (transition.name === 'Done') {
      issue.resolution = 'Done';
      issue.resolvedAt = Date.now();
    } else {
      delete issue.resolution;
      delete issue.resolvedAt;
    }
    return { status: 204 };
  };

  const comment = (issue: FakeIssue, body: Record<string, unknown>): StandInAnswer => {
    const problems =
      options.version === 3
        ? adfProblems(body.body)
        : typeof body.body === 'string' && body.body !== ''
          ? []
          : ['Comment body can not be empty!'];
    if (problems.length > 0) return answer(400, [], { comment: problems.join('; ') });
    issue.comments.push(body.body);
    return { status: 201, body: { id: String(issue.comments.length), body: body.body } };
  };

  const standIn = await startHttpStandIn((request) => {
    const result = handle(request);
    if (result.status >= 300 && result !== failure)
      refused.push({ request: `${request.method} ${request.url}`, status: result.status, body: result.body });
    return result;
  });
  return {
    url: `${standIn.url}${base}`,
    standIn,
    issues,
    refused,
    failWith(next) {
      failure = next;
    },
    throttle(seconds) {
      blockedUntil = Date.now() + seconds * 1000;
    },
    throttled: () => throttledCount,
    close: () => standIn.close(),
  };
}
