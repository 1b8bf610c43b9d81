import { ValidationError } from './http-errors.js';

/** Longer than any id the store makes (a UUID, an episode's or a job's id built from one). */
const MAX_ID_LENGTH = 256;

/**
 * Whether `id` could name anything the store keeps. One that cannot is unknown without asking the
 * store: a NUL, which PostgreSQL refuses in text and would report as a failing store (a 503, and a
 * store that looks down to `/readyz`), or an id longer than any the store makes.
 */
export function couldBeStoredId(id: string): boolean {
  return id.length > 0 && id.length <= MAX_ID_LENGTH && !id.includes('\0');
}

/**
 * Refuses a filter value with a NUL (a 400 naming the parameter), for the same reason: nothing the
 * store holds has one, and PostgreSQL would fail the query rather than match nothing. Every store
 * answers alike, so a query that works on SQLite works the same on PostgreSQL.
 */
export function refuseNul(value: string | undefined, name: string): void {
  if (value?.includes('\0')) throw new ValidationError(`${name} must not contain a NUL character`, [{ path: name, message: 'NUL' }]);
}
