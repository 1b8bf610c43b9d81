import type { z } from 'zod';
import { valueAt } from '../lib/issue-problems.js';

type Issue = z.core.$ZodIssue;

const NUMERIC = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;
const BOOLEAN: Readonly<Record<string, boolean>> = { true: true, false: false };
// Each round can only uncover fields in branches the previous round could not reach.
const MAX_ROUNDS = 5;

/**
 * Validates, turning text into a number or a boolean where the schema wants one: `${VAR}` always
 * gives text, so `max_pending: ${MAX_PENDING}` or `send_resolved: ${SEND:-false}` would otherwise
 * never validate. Only text that is a number (or `true`/`false`) is turned; anything else is left
 * for validation to report. Works from the schema's own issues, so a field added to the schema
 * later is covered without a list to keep in step.
 */
export function parseCoercingScalars<S extends z.ZodType>(
  schema: S,
  input: unknown,
): { result: z.ZodSafeParseResult<z.output<S>>; input: unknown } {
  let current = input;
  let result = schema.safeParse(current);
  for (let round = 0; round < MAX_ROUNDS && !result.success; round++) {
    const fixes = collectFixes(result.error.issues, [], current);
    if (fixes.length === 0) break;
    current = structuredClone(current);
    for (const { path, value } of fixes) setAt(current, path, value);
    result = schema.safeParse(current);
  }
  return { result, input: current };
}

interface Fix {
  readonly path: readonly PropertyKey[];
  readonly value: number | boolean;
}

function collectFixes(issues: readonly Issue[], prefix: readonly PropertyKey[], root: unknown): Fix[] {
  return issues.flatMap((issue): Fix[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union') return issue.errors.flatMap((branch) => collectFixes(branch, path, root));
    if (issue.code !== 'invalid_type') return [];
    const text = valueAt(root, path);
    if (typeof text !== 'string' || path.length === 0) return [];
    if ((issue.expected === 'number' || issue.expected === 'int') && NUMERIC.test(text)) return [{ path, value: Number(text) }];
    const flag = BOOLEAN[text.trim().toLowerCase()];
    if (issue.expected === 'boolean' && flag !== undefined) return [{ path, value: flag }];
    return [];
  });
}

function setAt(root: unknown, path: readonly PropertyKey[], value: unknown): void {
  const parent = valueAt(root, path.slice(0, -1));
  if (parent !== null && typeof parent === 'object') (parent as Record<PropertyKey, unknown>)[path.at(-1) as PropertyKey] = value;
}
