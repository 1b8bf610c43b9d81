import { createHash } from 'node:crypto';
import { cut, type Message } from '../chat/message-model.js';
import { adfFromTemplate, jiraAdfDescription } from './jira-adf.js';
import type { JiraConfig } from './jira-config.js';
import { JIRA_LIMITS } from './jira-limits.js';
import type { RenderedIssueFields } from './jira-templates.js';
import { jiraWikiDescription } from './jira-wiki.js';

/**
 * The label that finds a group's issue again: `ALERT{sha256 of the group key}`, as Alertmanager's
 * own Jira receiver writes it, so an issue Alertmanager opened is the one alertpipe updates.
 */
export function groupLabel(groupKey: string): string {
  return `ALERT{${createHash('sha256').update(groupKey).digest('hex')}}`;
}

/** The fields of the group's issue: all of them to create it, those `enable_update` allows to update it. */
export function issueFields(
  message: Message,
  rendered: RenderedIssueFields,
  config: JiraConfig,
  version: 2 | 3,
): { readonly create: Record<string, unknown>; readonly update: Record<string, unknown> } {
  // The one-line fallback has no emoji, which a Data Center database in MySQL's utf8 refuses.
  const summary = cut(rendered.summary ?? message.fallback, JIRA_LIMITS.summaryChars);
  const notes = [...message.notes, ...rendered.notes];
  const described: Message = { ...message, notes };
  const description =
    rendered.description === undefined
      ? version === 3
        ? jiraAdfDescription(described)
        : jiraWikiDescription(described)
      : version === 3
        ? adfFromTemplate(rendered.description)
        : cut(rendered.description, JIRA_LIMITS.textChars);
  const labels = [...new Set([...rendered.labels.map(asLabel).filter(Boolean), groupLabel(message.groupKey)])].sort();
  const priority = rendered.priority ? { priority: { name: rendered.priority } } : {};
  return {
    // The `fields` of the config first: the issue's own fields win over a key repeated there.
    create: {
      ...rendered.fields,
      project: { key: config.project },
      issuetype: { name: config.issue_type },
      summary,
      description,
      labels,
      ...priority,
    },
    update: {
      ...rendered.fields,
      ...(config.summary?.update === false ? {} : { summary }),
      ...(config.description?.update === false ? {} : { description }),
      ...(config.labels.update ? { labels } : {}),
      ...priority,
    },
  };
}

/** Jira refuses a label with a space in it (the whole issue with it): spaces become underscores. */
function asLabel(text: string): string {
  return text.trim().replace(/\s+/g, '_').slice(0, JIRA_LIMITS.labelChars);
}
