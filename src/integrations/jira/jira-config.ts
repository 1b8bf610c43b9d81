import { z } from 'zod';
import { secret } from '../../lib/secret.js';
import { durationSchema } from '../../lib/units.js';
import { commonActionFields } from '../action-type.js';
import { chatMessageFields } from '../chat/chat-message.js';

// Jira's REST API is /rest/api/2 on Data Center and Server (wiki text), /rest/api/2 or /3 on Cloud
// (3 takes descriptions and comments in the Atlassian Document Format).
const API_PATH = /\/rest\/api\/[23]\/?$/;

/**
 * A field Alertmanager templates, written either as the template alone (`summary: '…'`) or, since
 * Alertmanager 0.29, as `{ template, enable_update }`; `enable_update: false` leaves the field as
 * it is when the issue is updated.
 */
const fieldTemplate = z
  .union([z.string(), z.object({ template: z.string(), enable_update: z.boolean().optional() }).strict()])
  .transform((value) =>
    typeof value === 'string' ? { template: value, update: true } : { template: value.template, update: value.enable_update ?? true },
  );

/** Labels as a list, or `{ values, enable_update }` as Alertmanager 0.29 also takes them. */
const labelTemplates = z
  .union([z.array(z.string()), z.object({ values: z.array(z.string()).default([]), enable_update: z.boolean().optional() }).strict()])
  .transform((value) =>
    Array.isArray(value) ? { values: value, update: true } : { values: value.values, update: value.enable_update ?? true },
  );

/**
 * A `jira_configs` entry of alertmanager.yml, field for field, plus `type: jira`. Alertmanager
 * authenticates through `http_config`, which actions do not take: `username` and `password` (Basic,
 * Cloud's email and API token) or `bearer_token` (a Data Center personal access token) take its place.
 */
export const jiraConfigSchema = z
  .object({
    type: z.literal('jira'),
    api_url: z
      .url({ protocol: /^https?$/, error: 'expected the http(s) URL of the Jira REST API' })
      .refine((url) => API_PATH.test(new URL(url).pathname), {
        message: 'expected the REST API URL itself, ending in /rest/api/2 (Data Center, Cloud) or /rest/api/3 (Cloud)',
      }),
    /** Which search endpoint exists: `cloud` has only `/search/jql`, `datacenter` only `/search`; `auto` tells by the URL. */
    api_type: z.enum(['auto', 'cloud', 'datacenter']).default('auto'),
    project: z.string().trim().min(1, 'expected the key of the Jira project the issues go to'),
    issue_type: z.string().trim().min(1, 'expected the issue type to create, such as Bug or Task'),
    /** Liquid templates; the defaults are the message's one-line fallback and the whole message. */
    summary: fieldTemplate.optional(),
    description: fieldTemplate.optional(),
    labels: labelTemplates.default({ values: [], update: true }),
    priority: z.string().optional(),
    /** Other fields of the issue by their ID (`customfield_10001`, `components`), their strings templates. */
    fields: z.record(z.string(), z.unknown()).default({}),
    reopen_transition: z.string().min(1).optional(),
    resolve_transition: z.string().min(1).optional(),
    wont_fix_resolution: z.string().min(1).optional(),
    reopen_duration: durationSchema.optional(),
    username: z.string().min(1).optional(),
    password: secret(z.string().min(1)).optional(),
    /** With `username`, Cloud's API token (Basic); alone, a Data Center personal access token (Bearer). */
    api_token: secret(z.string().min(1)).optional(),
    bearer_token: secret(z.string().min(1)).optional(),
    ...chatMessageFields,
    ...commonActionFields,
  })
  .strict()
  .superRefine((config, ctx) => {
    const problem = authProblem(config);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: [problem.field] });
    const templates: [(string | number)[], string | undefined][] = [
      [['summary'], config.summary?.template],
      [['description'], config.description?.template],
      [['priority'], config.priority],
      ...config.labels.values.map((label, i): [(string | number)[], string] => [['labels', i], label]),
      ...stringsIn(config.fields, ['fields']),
    ];
    for (const [path, template] of templates)
      if (template !== undefined && /\{\{-?\s*(\.|template\s)/.test(template)) ctx.addIssue({ code: 'custom', path, message: GO_TEMPLATE });
  });

export type JiraConfig = z.output<typeof jiraConfigSchema>;

const GO_TEMPLATE =
  "an Alertmanager (Go) template: alertpipe's templates are Liquid, e.g. {{ commonLabels.alertname }} for {{ .CommonLabels.alertname }}";

/** Every string in a `fields` value, with its path. */
function stringsIn(value: unknown, path: (string | number)[]): [(string | number)[], string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsIn(v, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringsIn(v, [...path, k]));
  return [];
}

function authProblem(config: {
  username?: string | undefined;
  password?: string | undefined;
  api_token?: string | undefined;
  bearer_token?: string | undefined;
}): { field: string; message: string } | undefined {
  const tokens = [config.password, config.api_token, config.bearer_token].filter((t) => t !== undefined).length;
  if (tokens === 0)
    return {
      field: 'username',
      message:
        'expected credentials: username and password (Cloud: your email and an API token), or bearer_token (a personal access token)',
    };
  if (tokens > 1) return { field: 'password', message: 'expected one of password, api_token and bearer_token, not several' };
  if (config.password !== undefined && config.username === undefined)
    return { field: 'username', message: 'a password needs its username (Cloud: the account email)' };
  if (config.bearer_token !== undefined && config.username !== undefined)
    return { field: 'username', message: 'a bearer_token is sent alone; drop username, or use password for Basic authentication' };
  return undefined;
}

/** The Authorization header the config's credentials make. */
export function authorizationOf(config: JiraConfig): string {
  const basic = config.password ?? (config.username !== undefined ? config.api_token : undefined);
  if (config.username !== undefined && basic !== undefined) return `Basic ${Buffer.from(`${config.username}:${basic}`).toString('base64')}`;
  return `Bearer ${config.bearer_token ?? config.api_token ?? ''}`;
}

/** v3 takes rich text as Atlassian Document Format; v2 as wiki markup. */
export function apiVersionOf(apiUrl: string): 2 | 3 {
  return /\/3\/?$/.test(new URL(apiUrl).pathname) ? 3 : 2;
}
