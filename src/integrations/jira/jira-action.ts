import type { EnrichedNotification } from '../../model/model.js';
import { messageRefId, type MessageRef, type MessageRefStore } from '../../store/ports/message-refs.js';
import { defineActionType } from '../action-type.js';
import { chatMessageBuilder } from '../chat/chat-message.js';
import { applyOncePerEpisode } from '../chat/first-post.js';
import { scrubbedError, secretsScrubber } from '../url-scrubber.js';
import { jiraAdfComment } from './jira-adf.js';
import { createJiraClient } from './jira-client.js';
import { apiVersionOf, authorizationOf, jiraConfigSchema } from './jira-config.js';
import { issueFields } from './jira-issue-fields.js';
import { createsIssue, findIssue, syncIssue } from './jira-issue-sync.js';
import { JIRA_LIMITS } from './jira-limits.js';
import { compileJiraTemplates } from './jira-templates.js';
import { jiraWikiComment } from './jira-wiki.js';

// Jira Cloud limits bursts per endpoint and writes per issue; a job makes two to six calls. One
// job a second per project, bursts of five, stays under both; its 429 and Retry-After do the rest.
const JIRA_RATE = { perSecond: 1, burst: 5 };

/**
 * One Jira issue per alert group, as Alertmanager's `jira_configs` make it: created, updated on
 * repeat, commented on change, moved by `resolve_transition` and `reopen_transition`. API v2
 * (Data Center, Server) takes wiki markup, v3 (Cloud) the Atlassian Document Format; the URL says which.
 * The search and the create of a group's first issue are made by one delivery at a time, on any
 * replica sharing the store: one issue per episode.
 */
export const jiraActionType = defineActionType({
  schema: jiraConfigSchema,
  create(name, config, deps) {
    const version = apiVersionOf(config.api_url);
    const authorization = authorizationOf(config);
    const client = createJiraClient({ apiUrl: config.api_url, apiType: config.api_type, authorization, timeoutMs: config.timeout });
    const messageOf = chatMessageBuilder(name, config, deps);
    const templates = compileJiraTemplates(name, config);
    // The Authorization header's value too: an upstream that quotes the request back quotes it whole.
    const scrub = secretsScrubber([config.password, config.api_token, config.bearer_token, authorization.split(' ')[1]]);
    const commentBody = (lines: readonly string[]): unknown => (version === 3 ? jiraAdfComment(lines) : jiraWikiComment(lines));
    // Without the store (a test, `alertpipe render`), what the issue last said lives as long as the action.
    const fallback = new Map<string, MessageRef>();
    const localRefs: MessageRefStore = {
      getMessageRef: async (id) => fallback.get(id),
      putMessageRef: async (ref) => void fallback.set(ref.id, ref),
    };
    // Two notifications of one group must not both find no issue and both create one: in this
    // process they take turns per group; across replicas the store's first-post claim decides.
    const queues = new Map<string, Promise<unknown>>();
    const exclusive = async <T>(key: string, work: () => Promise<T>): Promise<T> => {
      const run = (queues.get(key) ?? Promise.resolve()).catch(() => {}).then(work);
      queues.set(key, run);
      try {
        return await run;
      } finally {
        if (queues.get(key) === run) queues.delete(key);
      }
    };
    const fieldsOf = (notification: EnrichedNotification, logger = deps.logger) => {
      const message = messageOf(notification, logger);
      return { message, fields: issueFields(message, templates(notification), config, version) };
    };
    return {
      name,
      type: 'jira',
      sendResolved: config.send_resolved,
      timeoutMs: config.timeout,
      rateLimit: { key: `jira:${config.api_url}:${config.project}`, ...JIRA_RATE },
      // The issue shows the whole group: it takes every alert of it every time.
      dedup: { scope: 'group', windowMs: 0 },
      async handle(notification, ctx) {
        const { message, fields } = fieldsOf(notification, ctx.logger);
        const input = {
          notification,
          message,
          fields,
          commentBody,
          refs: ctx.messageRefs ?? localRefs,
          refId: messageRefId(name, config.project, notification.groupKey),
          action: name,
        };
        const options = {
          project: config.project,
          reopenTransition: config.reopen_transition,
          resolveTransition: config.resolve_transition,
          wontFixResolution: config.wont_fix_resolution,
          reopenDurationMs: config.reopen_duration,
        };
        try {
          const claim = { claims: ctx.firstPostClaims, id: input.refId, timeoutMs: config.timeout, signal: ctx.signal, logger: ctx.logger };
          return await exclusive(notification.groupKey, () =>
            applyOncePerEpisode(
              claim,
              () => findIssue(client, notification, options, ctx.signal),
              (found) => createsIssue(notification, found),
              (found) => syncIssue(client, input, options, found, ctx.signal),
            ),
          );
        } catch (error) {
          throw scrubbedError(error, scrub);
        }
      },
      preview(notification) {
        const { fields } = fieldsOf(notification);
        const summary = String(fields.create.summary);
        const described = JSON.stringify(fields.create.description);
        const problems = [
          ...(summary.length > JIRA_LIMITS.summaryChars
            ? [`summary of ${summary.length} characters (Jira takes ${JIRA_LIMITS.summaryChars})`]
            : []),
          ...(described.length > JIRA_LIMITS.textChars
            ? [`description of ${described.length} characters (Jira takes ${JIRA_LIMITS.textChars})`]
            : []),
        ];
        return { contentType: 'application/json', body: { fields: fields.create }, problems };
      },
    };
  },
});
