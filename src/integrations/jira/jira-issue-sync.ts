import type { EnrichedNotification } from '../../model/model.js';
import type { MessageRef, MessageRefStore } from '../../store/ports/message-refs.js';
import { ActionError } from '../action-error.js';
import type { ActionResult } from '../action.js';
import { alertHeading, type Message } from '../chat/message-model.js';
import type { FoundIssue, JiraClient } from './jira-client.js';
import { groupLabel } from './jira-issue-fields.js';

export interface IssueSyncOptions {
  readonly project: string;
  readonly reopenTransition?: string | undefined;
  readonly resolveTransition?: string | undefined;
  readonly wontFixResolution?: string | undefined;
  readonly reopenDurationMs?: number | undefined;
}

export interface IssueSyncInput {
  readonly notification: EnrichedNotification;
  readonly message: Message;
  readonly fields: { readonly create: Record<string, unknown>; readonly update: Record<string, unknown> };
  /** A comment's body in the API's format (wiki text or ADF) from its lines. */
  readonly commentBody: (lines: readonly string[]) => unknown;
  /** Where the alerts the issue last said were firing are kept, so that a repeat comments only on a change. */
  readonly refs: MessageRefStore;
  readonly refId: string;
  readonly action: string;
}

/**
 * The JQL that finds the group's issue, as Alertmanager writes it: by its label in the project,
 * open ones, or, while the group fires and a reopen transition is set, also those resolved within
 * `reopen_duration` (whole minutes); never one resolved as won't-fix.
 */
export function issueSearchJql(label: string, firing: boolean, options: IssueSyncOptions): string {
  const clauses: string[] = [];
  if (options.wontFixResolution) clauses.push(`resolution != ${quote(options.wontFixResolution)}`);
  const minutes = Math.floor((options.reopenDurationMs ?? 0) / 60_000);
  if (firing && options.reopenTransition && minutes > 0) clauses.push(`(resolutiondate is EMPTY OR resolutiondate >= -${minutes}m)`);
  else clauses.push('statusCategory != Done');
  clauses.push(`project=${quote(options.project)}`, `labels=${quote(label)}`);
  // Open issues first, then the one resolved last: the one to reopen.
  return `${clauses.join(' and ')} order by status ASC,resolutiondate DESC`;
}

function quote(value: string): string {
  return JSON.stringify(value);
}

/** The group's issue as the JQL search finds it now, if there is one. */
export async function findIssue(
  client: JiraClient,
  notification: EnrichedNotification,
  options: IssueSyncOptions,
  signal: AbortSignal,
): Promise<FoundIssue | undefined> {
  const firing = notification.alerts.some((a) => a.status === 'firing');
  const [found] = await client.search(issueSearchJql(groupLabel(notification.groupKey), firing, options), signal);
  return found;
}

/** Whether this notification would create the group's issue (none found, and the group fires). */
export function createsIssue(notification: EnrichedNotification, found: FoundIssue | undefined): boolean {
  return found === undefined && notification.alerts.some((a) => a.status === 'firing');
}

/**
 * One notification onto the group's issue (`found` by `findIssue`), as Alertmanager's Jira receiver does it: found by its
 * label, created while none is open (never for a group that is resolved already), else updated;
 * moved by `resolve_transition` once every alert resolved, and by `reopen_transition` when it fires
 * again within `reopen_duration`. alertpipe adds a comment when the issue is reopened or resolved
 * and when alerts join or leave the group. Searching first makes a retry safe: an issue created by
 * an attempt that failed afterwards is found, not created twice.
 */
export async function syncIssue(
  client: JiraClient,
  input: IssueSyncInput,
  options: IssueSyncOptions,
  found: FoundIssue | undefined,
  signal: AbortSignal,
): Promise<ActionResult> {
  const { notification } = input;
  const firingAlerts = input.message.alerts.filter((a) => a.status === 'firing');
  const firing = notification.alerts.some((a) => a.status === 'firing');
  const label = groupLabel(notification.groupKey);
  const nowFiring = notification.alerts.filter((a) => a.status === 'firing').map((a) => a.fingerprint);
  if (found === undefined) {
    if (!firing) return { detail: 'no open issue for the group: nothing to resolve' };
    const key = await client.create(input.fields.create, signal);
    await remember(input, options.project, key, nowFiring);
    return { detail: `created ${key}`, data: { issue: key, label } };
  }
  await client.edit(found.key, input.fields.update, signal);
  const done = found.statusCategory === 'done';
  const lines: string[] = [];
  let moved: string | undefined;
  if (firing && done && options.reopenTransition) {
    moved = await transition(client, found, options.reopenTransition, signal);
    lines.push(`🔥 Firing again: ${count(nowFiring.length)}; reopened (${moved}).`, ...headings(firingAlerts));
  } else if (!firing && !done) {
    if (options.resolveTransition) moved = await transition(client, found, options.resolveTransition, signal);
    lines.push(`✅ Resolved: ${count(notification.alerts.length)}${moved ? `; moved by ${moved}` : ''}.`);
  } else if (firing) {
    const previous = await input.refs.getMessageRef(input.refId);
    const before = previous?.ts === found.key ? ((previous.state.firing as string[] | undefined) ?? []) : undefined;
    const change = before === undefined ? undefined : changeOf(before, nowFiring);
    if (change === undefined || change.joined + change.left > 0)
      lines.push(`🔥 Firing: ${count(nowFiring.length)}${change ? ` (${describe(change)})` : ''}.`);
    if (change === undefined || change.joined > 0) lines.push(...headings(firingAlerts.filter((a) => !before?.includes(a.fingerprint))));
  }
  if (lines.length > 0) await client.comment(found.key, input.commentBody(lines), signal);
  await remember(input, options.project, found.key, firing ? nowFiring : []);
  const did = [`updated ${found.key}`, ...(moved ? [moved] : []), ...(lines.length > 0 ? ['commented'] : [])];
  return { detail: did.join(', '), data: { issue: found.key, label, ...(moved ? { transition: moved } : {}) } };
}

/** Moves the issue by the transition of this name, which its workflow must offer from where the issue is. */
async function transition(client: JiraClient, issue: FoundIssue, name: string, signal: AbortSignal): Promise<string> {
  const offered = await client.transitions(issue.key, signal);
  const match = offered.find((t) => t.name === name) ?? offered.find((t) => t.name.toLowerCase() === name.toLowerCase());
  if (match === undefined) {
    const names = offered.map((t) => `"${t.name}"`).join(', ') || 'none';
    // The workflow will not offer it on a retry either: a config to fix.
    throw new ActionError(`Jira offers no transition "${name}" for ${issue.key} in status "${issue.status}" (it offers ${names})`, {
      retryable: false,
    });
  }
  await client.transition(issue.key, match.id, signal);
  return `transition "${match.name}"`;
}

async function remember(input: IssueSyncInput, project: string, key: string, firing: readonly string[]): Promise<void> {
  const ref: MessageRef = {
    id: input.refId,
    action: input.action,
    channel: project,
    groupKey: input.notification.groupKey,
    channelId: project,
    ts: key,
    state: { firing: firing.slice(0, 1_000) },
    updatedAt: Date.now(),
  };
  await input.refs.putMessageRef(ref);
}

function changeOf(before: readonly string[], now: readonly string[]): { joined: number; left: number } {
  const was = new Set(before);
  const is = new Set(now);
  return { joined: now.filter((f) => !was.has(f)).length, left: before.filter((f) => !is.has(f)).length };
}

function describe(change: { joined: number; left: number }): string {
  return [change.joined > 0 ? `${change.joined} new` : '', change.left > 0 ? `${change.left} resolved` : ''].filter(Boolean).join(', ');
}

function count(n: number): string {
  return `${n} alert${n === 1 ? '' : 's'}`;
}

// The alerts a comment names, as many as a comment reads well with.
function headings(alerts: readonly Message['alerts'][number][]): string[] {
  return alerts.slice(0, 10).map((a) => `• ${alertHeading(a)}${a.summary ? `: ${a.summary}` : ''}`);
}
