import { MESSAGE_REF_MAX_AGE_MS, type MessageRef, type MessageRefStore } from '../ports/message-refs.js';
import { PruneSchedule } from '../prune-schedule.js';
import type { PostgresConnection } from './postgres-connection.js';

interface MessageRefRow {
  id: string;
  action: string;
  channel: string;
  group_key: string;
  channel_id: string;
  ts: string;
  state: Record<string, unknown>;
  updated_at: number;
}

const GET = `SELECT id, action, channel, group_key, channel_id, ts, state, updated_at FROM alertpipe_message_refs WHERE id = $1`;
const PUT = `INSERT INTO alertpipe_message_refs (id, action, channel, group_key, channel_id, ts, state, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
  ON CONFLICT (id) DO UPDATE SET channel_id = excluded.channel_id, ts = excluded.ts, state = excluded.state, updated_at = excluded.updated_at`;
const PRUNE = `DELETE FROM alertpipe_message_refs WHERE updated_at < $1`;

/**
 * The PostgreSQL store's message references: one row per (action, channel, group), shared by
 * every replica, so an update after a restart or on another replica edits the same message.
 */
export class PostgresMessageRefs implements MessageRefStore {
  // As in SQLite: old references are pruned now and then, on a write, not on a timer.
  private readonly pruning = new PruneSchedule();

  constructor(private readonly db: PostgresConnection) {}

  async getMessageRef(id: string): Promise<MessageRef | undefined> {
    const [row] = await this.db.query<MessageRefRow>(GET, [id]);
    if (row === undefined) return undefined;
    return {
      id: row.id,
      action: row.action,
      channel: row.channel,
      groupKey: row.group_key,
      channelId: row.channel_id,
      ts: row.ts,
      state: row.state,
      updatedAt: row.updated_at,
    };
  }

  async putMessageRef(ref: MessageRef): Promise<void> {
    if (this.pruning.due()) await this.db.query(PRUNE, [ref.updatedAt - MESSAGE_REF_MAX_AGE_MS]);
    await this.db.query(PUT, [
      ref.id,
      ref.action,
      ref.channel,
      ref.groupKey,
      ref.channelId,
      ref.ts,
      JSON.stringify(ref.state),
      ref.updatedAt,
    ]);
  }
}
