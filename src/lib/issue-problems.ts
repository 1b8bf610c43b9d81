import type { z } from 'zod';
import type { ConfigProblem } from './config-error.js';

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/**
 * Turns validation issues into problems with a dotted path. A message never carries a value from
 * the input: a token pasted into the wrong field must not end up in a terminal, a CI log or a crash
 * report. zod's own messages name types, limits and options, not values, and ours are written the
 * same way; as a net under both (and under messages written later), any value found at the issue's
 * path is cut out of its message. Unknown keys are named: they are field names, not values.
 */
export function issuesToProblems(issues: readonly Issue[], input: unknown): ConfigProblem[] {
  return issues.map((issue) => toProblem(issue, input));
}

function toProblem(issue: Issue, input: unknown): ConfigProblem {
  if (issue.code === 'invalid_key') {
    // The path ends with the offending key itself; name its position instead.
    const parentPath = issue.path.slice(0, -1);
    const parent = valueAt(input, parentPath);
    const position = parent !== null && typeof parent === 'object' ? Object.keys(parent).indexOf(String(issue.path.at(-1))) + 1 : 0;
    const inner = issue.issues.map((i) => i.message).join('; ');
    return {
      path: dotted(parentPath),
      message: redact(`the name of entry ${position} is not valid${inner ? `: ${inner}` : ''}`, valueAt(input, issue.path)),
    };
  }
  return { path: dotted(issue.path), message: redact(messageOf(issue, input), valueAt(input, issue.path)) };
}

function messageOf(issue: Issue, input: unknown): string {
  if (issue.code !== 'invalid_type') return issue.message;
  const found = valueAt(input, issue.path);
  if (found === undefined) return 'required';
  if (typeof found === 'string' && ['number', 'int', 'boolean'].includes(issue.expected)) {
    return `expected ${issue.expected === 'boolean' ? 'true or false' : 'a number'}; got text that is not one`;
  }
  return issue.message;
}

/** The value at a path, when the input still has it (a transformed value may not). */
export function valueAt(root: unknown, path: Path): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

// Shorter values could only be cut by coincidence out of words of the message itself.
const MIN_REDACTED_LENGTH = 4;

function redact(message: string, value: unknown): string {
  let result = message;
  for (const leaf of leaves(value)) {
    if (leaf.length < MIN_REDACTED_LENGTH) continue;
    for (const form of [leaf, JSON.stringify(leaf).slice(1, -1)]) result = result.split(form).join('…');
  }
  return result;
}

function leaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(leaves);
}

function dotted(path: Path): string {
  return path.map(String).join('.');
}
