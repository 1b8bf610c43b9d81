import { compileAnchoredRegex, RegexSyntaxError } from './anchored-regex.js';
import { labelValue } from './label-value.js';
import type { LabelSet } from './model.js';

/**
 * Alertmanager's label matchers: `name="value"`, `name!="value"`, `name=~"regex"`, `name!~"regex"`,
 * alone or as a list `{a="1", b=~"2|3"}`. Regexes are RE2, anchored at both ends, as in Alertmanager,
 * and a missing label matches as the empty string.
 */

export type MatchOperator = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  readonly name: string;
  readonly operator: MatchOperator;
  readonly value: string;
  readonly matches: (labels: LabelSet) => boolean;
}

/** A matcher that cannot be parsed. The message never repeats the input: it may be a misplaced secret. */
export class MatcherSyntaxError extends Error {
  constructor(reason: string) {
    super(`bad matcher: ${reason}`);
    this.name = 'MatcherSyntaxError';
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses one matcher, or a `{...}` list of them. */
export function parseMatchers(input: string): Matcher[] {
  let text = input.trim();
  if (text.startsWith('{')) {
    if (!text.endsWith('}')) throw new MatcherSyntaxError('missing closing "}"');
    text = text.slice(1, -1);
  }
  return splitOutsideQuotes(text)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => parseOne(part));
}

export function matchesAll(matchers: readonly Matcher[], labels: LabelSet): boolean {
  return matchers.every((matcher) => matcher.matches(labels));
}

function parseOne(text: string): Matcher {
  const found = /^\s*("(?:[^"\\]|\\.)*"|[^=!~\s]+)\s*(=~|!~|!=|=)\s*(.*?)\s*$/s.exec(text);
  if (!found) throw new MatcherSyntaxError('expected a label name, one of = != =~ !~, then a value');
  const [, rawName = '', operator = '=', rawValue = ''] = found;
  const name = rawName.startsWith('"') ? unquote(rawName) : rawName;
  if (!NAME.test(name) && !rawName.startsWith('"')) {
    throw new MatcherSyntaxError('not a valid label name (letters, digits and _, not starting with a digit; quote others)');
  }
  const value = rawValue.startsWith('"') ? unquote(rawValue) : rawValue;
  return build(name, operator as MatchOperator, value);
}

function build(name: string, operator: MatchOperator, value: string): Matcher {
  if (operator === '=' || operator === '!=') {
    const equal = operator === '=';
    return { name, operator, value, matches: (labels) => (labelValue(labels, name) === value) === equal };
  }
  let test: (value: string) => boolean;
  try {
    test = compileAnchoredRegex(value);
  } catch (error) {
    if (!(error instanceof RegexSyntaxError)) throw error;
    throw new MatcherSyntaxError(`invalid regular expression (RE2 syntax, as in Alertmanager): ${error.message}`);
  }
  const positive = operator === '=~';
  return { name, operator, value, matches: (labels) => test(labelValue(labels, name)) === positive };
}

function unquote(quoted: string): string {
  if (quoted.length < 2 || !quoted.endsWith('"')) throw new MatcherSyntaxError('unterminated string');
  try {
    return JSON.parse(quoted) as string;
  } catch {
    // Alertmanager accepts escapes JSON does not (such as `\.` in a regex); keep those as written.
    return quoted.slice(1, -1).replace(/\\(["\\])/g, '$1');
  }
}

function splitOutsideQuotes(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quoted && char === '\\') {
      current += char + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === ',' && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (quoted) throw new MatcherSyntaxError('unterminated string');
  parts.push(current);
  return parts;
}
