import { RE2JS, RE2JSException, RE2JSSyntaxException } from 're2js';

/**
 * A matcher's regex, compiled as Alertmanager compiles it: Go's RE2 syntax, anchored at both ends
 * (`^(?:re)$`), `.` not matching a newline unless the regex says `(?s)`. RE2 matches in time linear
 * in the input, so no pattern and no label value can stall the event loop, as a backtracking
 * engine (JavaScript's own `RegExp`) does on `.*foo.*bar.*` against a long value.
 */
export function compileAnchoredRegex(source: string): (value: string) => boolean {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(`^(?:${source})$`);
  } catch (error) {
    if (error instanceof RE2JSException) throw new RegexSyntaxError(describe(error));
    throw error;
  }
  return (value) => compiled.test(value);
}

/** Why a regex is not RE2, without quoting the pattern (config messages never repeat input). */
export class RegexSyntaxError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'RegexSyntaxError';
  }
}

const HINTS: readonly [RegExp, string][] = [
  [/unsupported Perl syntax|invalid named capture/, 'lookaheads and lookbehinds such as (?=, (?!, (?<= are not RE2'],
  [/invalid escape sequence/, 'backreferences such as \\1 and escapes such as \\Z are not RE2'],
];

function describe(error: RE2JSException): string {
  // A syntax exception carries the bare description in `error`; its message adds the pattern.
  const description = error instanceof RE2JSSyntaxException ? error.error : 'not a regular expression RE2 can compile';
  const hint = HINTS.find(([pattern]) => pattern.test(description))?.[1];
  return hint ? `${description} (${hint})` : description;
}
