import { ValidationError } from '../http-errors.js';

/**
 * Where the next page of the history starts: a keyset position (newest first: everything older
 * than the last notification returned), so notifications arriving between two pages shift
 * nothing and no page repeats or skips one. Opaque to clients on purpose: filters (a fingerprint,
 * a state) can join the position inside it later without changing what clients do with it.
 */
interface CursorContent {
  readonly v: 1;
  readonly before: number;
}

export function encodeCursor(before: number): string {
  const content: CursorContent = { v: 1, before };
  return Buffer.from(JSON.stringify(content)).toString('base64url');
}

/** The position a cursor points at; a 400 for anything this API did not give out. */
export function decodeCursor(cursor: string): number {
  let content: Partial<CursorContent> | undefined;
  try {
    content = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorContent>;
  } catch {
    content = undefined;
  }
  if (content?.v !== 1 || !Number.isSafeInteger(content.before) || (content.before as number) < 1) {
    throw new ValidationError('cursor is not one this API gave out; start again without it', [
      { path: 'cursor', message: 'not a history cursor' },
    ]);
  }
  return content.before as number;
}
