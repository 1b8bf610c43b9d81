import { MESSAGE_REF_MAX_AGE_MS, type MessageRef, type MessageRefStore } from '../ports/message-refs.js';
import { PruneSchedule } from '../prune-schedule.js';
import { toMessageRef, type MessageRefRow } from './sqlite-rows.js';
import type { SqliteWriter } from './sqlite-writer.js';

/**
 * The SQLite store's message references: one row per (action, channel, group), so an update
 * after a restart edits the same message.
 */
export class SqliteMessageRefs implements MessageRefStore {
  private readonly pruning = new PruneSchedule();

  constructor(private readonly writer: SqliteWriter) {}

  getMessageRef(id: string): Promise<MessageRef | undefined> {
    return this.writer.read(() => {
      const row = this.writer.sql.getMessageRef.get(id) as MessageRefRow | undefined;
      return row === undefined ? undefined : toMessageRef(row);
    });
  }

  putMessageRef(ref: MessageRef): Promise<void> {
    return this.writer.write(() => {
      const sql = this.writer.sql;
      // A message untouched this long is past editing anyway (its group long resolved or forgotten).
      if (this.pruning.due()) sql.pruneMessageRefs.run(ref.updatedAt - MESSAGE_REF_MAX_AGE_MS);
      sql.putMessageRef.run(ref.id, ref.action, ref.channel, ref.groupKey, ref.channelId, ref.ts, JSON.stringify(ref.state), ref.updatedAt);
    });
  }
}
