import type { Incident, IncidentChange, IncidentChangeResult, IncidentQuery, IncidentStore, OpenIncident } from '../ports/incidents.js';
import { applyIncidentChange, newIncident } from '../incident-changes.js';
import { changedColumns, INCIDENT_COLUMNS, toIncident, type IncidentRow } from '../incident-rows.js';
import { encodeNotification } from '../notification-codec.js';
import type { PostgresConnection } from './postgres-connection.js';
import { inTransaction } from './postgres-transaction.js';

export const INCIDENT_SQL = {
  lock: `SELECT ${INCIDENT_COLUMNS} FROM alertpipe_incidents WHERE id = $1 FOR UPDATE`,
  get: `SELECT ${INCIDENT_COLUMNS} FROM alertpipe_incidents WHERE id = $1`,
  /** Opening serializes on the group and policy: two replicas planning the same group begin one episode. */
  lockGroup: `SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))`,
  findOpen: `SELECT ${INCIDENT_COLUMNS} FROM alertpipe_incidents
    WHERE opened_by = $1 OR (group_key = $2 AND policy = $3 AND state <> 'resolved')
    ORDER BY opened_by = $1 DESC LIMIT 1`,
  insert: `INSERT INTO alertpipe_incidents (id, group_key, policy, state, started_at, updated_at, opened_by, notification_id, original, body, next_step, next_step_at)
    VALUES ($1, $2, $3, 'triggered', $4, $4, $5, $5, $6, $7, 0, $8)`,
  takeNotification: `UPDATE alertpipe_incidents SET notification_id = $1, original = $2, body = $3, updated_at = $4 WHERE id = $5`,
  update: `UPDATE alertpipe_incidents SET state = $1, updated_at = $2, notification_id = $3, next_step = $4, next_step_at = $5,
    acknowledged = $6, resolved = $7, runs = $8, claimed_until = 0 WHERE id = $9`,
  list: `SELECT ${INCIDENT_COLUMNS} FROM alertpipe_incidents WHERE state = ANY($1::text[]) AND ($2::text IS NULL OR group_key = $2)
    ORDER BY seq DESC LIMIT $3`,
} as const;

/**
 * The PostgreSQL store's episodes, shared by every replica. Each change reads the row under
 * `FOR UPDATE` and writes it in the same transaction, so an acknowledgement and a step firing on
 * two replicas take turns, and the second sees what the first did.
 */
export class PostgresIncidents implements IncidentStore {
  constructor(private readonly db: PostgresConnection) {}

  openIncident(open: OpenIncident): Promise<{ incident: Incident; opened: boolean }> {
    return inTransaction(this.db, async (client) => {
      const { id: notificationId, originalBody } = open.notification;
      await client.query(INCIDENT_SQL.lockGroup, [open.groupKey, open.policy]);
      const [found] = (await client.query<IncidentRow>(INCIDENT_SQL.findOpen, [notificationId, open.groupKey, open.policy])).rows;
      if (found !== undefined) {
        const incident = toIncident(found);
        if (incident.openedBy === notificationId || incident.state === 'resolved') return { incident, opened: false };
        await client.query(INCIDENT_SQL.takeNotification, [
          notificationId,
          originalBody,
          encodeNotification(open.notification),
          open.now,
          incident.id,
        ]);
        return { incident: { ...incident, notificationId, updatedAt: open.now }, opened: false };
      }
      const incident = newIncident({ ...open, notificationId });
      await client.query(INCIDENT_SQL.insert, [
        incident.id,
        incident.groupKey,
        incident.policy,
        open.now,
        notificationId,
        originalBody,
        encodeNotification(open.notification),
        open.firstStepAt,
      ]);
      return { incident, opened: true };
    });
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    const [row] = await this.db.query<IncidentRow>(INCIDENT_SQL.get, [id]);
    return row === undefined ? undefined : toIncident(row);
  }

  async listIncidents(query: IncidentQuery): Promise<Incident[]> {
    const rows = await this.db.query<IncidentRow>(INCIDENT_SQL.list, [query.states, query.groupKey ?? null, query.limit]);
    return rows.map(toIncident);
  }

  changeIncident(id: string, change: IncidentChange, now: number): Promise<IncidentChangeResult> {
    return inTransaction(this.db, async (client): Promise<IncidentChangeResult> => {
      const [row] = (await client.query<IncidentRow>(INCIDENT_SQL.lock, [id])).rows;
      if (row === undefined) return { changed: false, reason: 'not found' };
      const incident = toIncident(row);
      const changed = applyIncidentChange(incident, change, now);
      if (changed === undefined) return { changed: false, reason: 'conflict', incident };
      await client.query(INCIDENT_SQL.update, [...changedColumns(changed), id]);
      return { changed: true, incident: changed };
    });
  }
}
