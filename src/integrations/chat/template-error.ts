/**
 * A Liquid error as a person reads it: `line 2, column 7: undefined filter: nope`. Liquid puts the
 * position at the end of its message; the token it carries gives the same numbers.
 */
export function describeTemplateError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const message = error.message.replace(/,? ?line:\d+, col:\d+$/, '').trim();
  const position = positionOf(error);
  return position ? `line ${position[0]}, column ${position[1]}: ${message}` : message;
}

function positionOf(error: Error): [number, number] | undefined {
  const token = (error as { token?: { getPosition?: () => [number, number] } }).token;
  if (typeof token?.getPosition === 'function') return token.getPosition();
  const match = /line:(\d+), col:(\d+)$/.exec(error.message);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}
