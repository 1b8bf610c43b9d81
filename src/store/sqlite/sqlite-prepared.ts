import type { Database, Statement } from 'better-sqlite3';

const cache = new WeakMap<Database, Map<string, Statement>>();

/**
 * A statement prepared once per connection, for parts that keep their SQL beside their code (the
 * episodes): a write-back reopens the connection, and its statements with it.
 */
export function preparedOn(db: Database, sql: string): Statement {
  let statements = cache.get(db);
  if (statements === undefined) cache.set(db, (statements = new Map()));
  let statement = statements.get(sql);
  if (statement === undefined) statements.set(sql, (statement = db.prepare(sql)));
  return statement;
}
