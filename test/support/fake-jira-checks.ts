/**
 * What the Jira stand-in checks as Jira does: the JQL alertpipe sends (and nothing else), the
 * fields of an issue to create or edit, and the structure of an Atlassian Document (API v3).
 */

export interface ParsedJql {
  readonly wontFix?: string;
  /** Issues resolved at most this many minutes ago are found too (the reopen window); absent: open issues only. */
  readonly reopenMinutes?: number;
  readonly project: string;
  readonly label: string;
}

const JQL =
  /^(?:resolution != "(?<wontFix>[^"\\]*)" and )?(?:statusCategory != Done|\(resolutiondate is EMPTY OR resolutiondate >= -(?<minutes>\d+)m\)) and project="(?<project>[^"\\]+)" and labels="(?<label>[^"\\]+)" order by status ASC,resolutiondate DESC$/;

/** The JQL alertpipe sends, parsed; anything else is refused, as Jira refuses what it cannot parse. */
export function parseJql(jql: string): ParsedJql | string {
  const match = JQL.exec(jql);
  if (!match?.groups) return `Error in the JQL Query: the stand-in does not understand "${jql.slice(0, 120)}".`;
  const { wontFix, minutes, project, label } = match.groups;
  return {
    ...(wontFix === undefined ? {} : { wontFix }),
    ...(minutes === undefined ? {} : { reopenMinutes: Number(minutes) }),
    project: project ?? '',
    label: label ?? '',
  };
}

const BLOCKS = new Set(['paragraph', 'heading', 'bulletList', 'orderedList', 'rule', 'codeBlock', 'blockquote', 'table']);
const INLINE = new Set(['text', 'hardBreak', 'emoji', 'mention', 'inlineCard']);
const MARKS = new Set(['strong', 'em', 'code', 'link', 'strike', 'underline', 'textColor', 'subsup']);

/** Problems with an Atlassian Document as Jira Cloud validates it; none when it is a valid `doc`. */
export function adfProblems(doc: unknown): string[] {
  if (typeof doc !== 'object' || doc === null) return ['Operation value must be an Atlassian Document (see the Atlassian Document Format)'];
  const d = doc as { type?: unknown; version?: unknown; content?: unknown };
  if (d.type !== 'doc' || d.version !== 1 || !Array.isArray(d.content))
    return ['Operation value must be an Atlassian Document (see the Atlassian Document Format)'];
  const problems: string[] = [];
  for (const node of d.content as unknown[]) checkNode(node, 'block', problems);
  return problems;
}

function checkNode(node: unknown, where: 'block' | 'inline' | 'listItem', problems: string[]): void {
  const n = node as { type?: string; content?: unknown; text?: unknown; marks?: unknown; attrs?: Record<string, unknown> };
  const type = n?.type ?? '';
  if (where === 'block' && !BLOCKS.has(type))
    return void problems.push(`INVALID_INPUT: ${type || 'a node without type'} is not a block node`);
  if (where === 'inline' && !INLINE.has(type))
    return void problems.push(`INVALID_INPUT: ${type || 'a node without type'} is not an inline node`);
  if (where === 'listItem' && type !== 'listItem') return void problems.push(`INVALID_INPUT: a list holds listItem nodes, not ${type}`);
  if (type === 'text') {
    if (typeof n.text !== 'string' || n.text === '') problems.push('INVALID_INPUT: a text node needs non-empty text');
    for (const mark of Array.isArray(n.marks) ? (n.marks as { type?: string; attrs?: { href?: unknown } }[]) : []) {
      if (!MARKS.has(mark.type ?? '')) problems.push(`INVALID_INPUT: unknown mark ${mark.type}`);
      if (mark.type === 'link' && (typeof mark.attrs?.href !== 'string' || !/^https?:\/\//.test(mark.attrs.href)))
        problems.push('INVALID_INPUT: a link mark needs an http(s) href');
    }
    return;
  }
  if (type === 'heading' && ![1, 2, 3, 4, 5, 6].includes(n.attrs?.level as number))
    problems.push('INVALID_INPUT: a heading needs a level 1 to 6');
  if (type === 'rule' || type === 'hardBreak') return;
  const content = n.content;
  if (content !== undefined && !Array.isArray(content)) return void problems.push(`INVALID_INPUT: ${type}.content must be an array`);
  const children = (content ?? []) as unknown[];
  const inner =
    type === 'bulletList' || type === 'orderedList' ? 'listItem' : type === 'listItem' || type === 'blockquote' ? 'block' : 'inline';
  if ((type === 'bulletList' || type === 'orderedList') && children.length === 0) problems.push(`INVALID_INPUT: an empty ${type}`);
  for (const child of children) checkNode(child, inner, problems);
}

/** Jira's answer to fields it cannot take: `{ field: message }`, empty when it takes them all. */
export function fieldProblems(
  fields: Record<string, unknown>,
  options: {
    readonly creating: boolean;
    readonly version: 2 | 3;
    readonly issueTypes: readonly string[];
    readonly priorities: readonly string[];
  },
): Record<string, string> {
  const errors: Record<string, string> = {};
  const editable = new Set(['summary', 'description', 'labels', 'priority', 'components']);
  for (const name of Object.keys(fields)) {
    if (name.startsWith('customfield_') || editable.has(name)) continue;
    if (options.creating && (name === 'project' || name === 'issuetype')) continue;
    errors[name] = `Field '${name}' cannot be set. It is not on the appropriate screen, or unknown.`;
  }
  if (options.creating) {
    const issuetype = fields.issuetype as { name?: unknown } | undefined;
    if (issuetype === undefined) errors.issuetype = 'Specify an issue type';
    else if (!options.issueTypes.includes(String(issuetype.name))) errors.issuetype = 'Specify a valid issue type';
    if (fields.summary === undefined || fields.summary === '') errors.summary = 'You must specify a summary of the issue.';
  }
  if (fields.summary !== undefined) {
    if (typeof fields.summary !== 'string') errors.summary = 'Operation value must be a string';
    else if (fields.summary.length > 255) errors.summary = 'Summary must be less than 255 characters.';
    else if (/[\r\n]/.test(fields.summary)) errors.summary = 'The summary is invalid because it contains newline characters.';
  }
  if (fields.description !== undefined) {
    if (options.version === 3) {
      const problems = adfProblems(fields.description);
      if (problems.length > 0) errors.description = problems.join('; ');
      else if (JSON.stringify(fields.description).length > 32_767)
        errors.description = 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.';
    } else if (typeof fields.description !== 'string') errors.description = 'Operation value must be a string';
    else if (fields.description.length > 32_767)
      errors.description = 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.';
  }
  if (fields.labels !== undefined) {
    const labels = fields.labels;
    const bad = Array.isArray(labels) ? labels.find((l) => typeof l !== 'string' || /\s/.test(l) || l.length > 255 || l === '') : labels;
    if (!Array.isArray(labels) || bad !== undefined) errors.labels = `The label '${String(bad)}' contains spaces which is invalid.`;
  }
  if (fields.priority !== undefined && !options.priorities.includes(String((fields.priority as { name?: unknown }).name)))
    errors.priority = 'The priority selected is invalid.';
  return errors;
}
