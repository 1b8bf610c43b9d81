import type { YAMLError } from 'yaml';
import type { ConfigProblem } from '../lib/config-error.js';

// A file nested thousands deep gives one error per level; the first few say all there is.
const MAX_REPORTED = 10;

/**
 * YAML syntax errors as problems at their line and column, first line of each message only (the
 * rest quotes the file, which may hold secrets). `${VAR}` inside `{ }` or `[ ]` is the usual cause
 * in a config (the braces end the flow mapping), so that case says to quote it.
 */
export function yamlProblems(errors: readonly YAMLError[], text: string): ConfigProblem[] {
  const lines = text.split('\n');
  const problems = errors.slice(0, MAX_REPORTED).map((error): ConfigProblem => {
    const position = error.linePos?.[0];
    const line = position ? (lines[position.line - 1] ?? '') : '';
    const first = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
    const hint = referenceInFlow(line) ? ' (inside { } or [ ], quote a ${VAR}: "${VAR}")' : '';
    return { path: position ? `line ${position.line}, column ${position.col}` : '', message: `${first}${hint}` };
  });
  if (errors.length > MAX_REPORTED) problems.push({ path: '', message: `and ${errors.length - MAX_REPORTED} more YAML errors` });
  return problems;
}

/** A `${` after a `{` or `[` on the line; string scans only, so a huge line costs linear time. */
function referenceInFlow(line: string): boolean {
  const at = line.indexOf('${');
  if (at < 0) return false;
  const before = line.slice(0, at);
  return before.includes('{') || before.includes('[');
}
