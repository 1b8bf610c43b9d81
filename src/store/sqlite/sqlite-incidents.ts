import type { Notification } from '../../model/model.js';
import type { Incident, IncidentChange, IncidentChangeResult, IncidentQuery, IncidentStore, OpenIncident } from '../ports/incidents.js';
import { applyIncidentChange, newIncident } from '../incident-changes.js';
import { changedColumns, INCIDENT_COLUMNS, toIncident, type IncidentRow } from '../incident-rows.js';
import { encodeNotification } from '../notification-codec.js';
import { preparedOn } from './sqlite-prepared.js';
import type { SqliteWriter } from './sqlite-writer.js';

export const INCIDENT_SQL = {
  get: `SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = ?`,
  findOpen: `SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE opened_by = ? OR (group_key = ? AND policy = ? AND state <> 'resolved')
    ORDER BY opened_by = ? DESC LIMIT 1`,
  insert: `INSERT INTO incidents (id, group_key, policy, state, started_at, updated_at, opened_by, notification_id, original, body, next_step, next_step_at, runs)
    VALUES (?, ?, ?, 'triggered', ?, ?, ?, ?, ?, ?, 0, ?, '[]')`,
  takeNotification: `UPDATE incidents SET notification_id = ?, original = ?, body = ?, updated_at = ? WHERE id = ?`,
  update: `UPDATE incidents SET state = ?, updated_at = ?, notification_id = ?, next_step = ?, next_step_at = ?, acknowledged = ?, resolved = ?, runs = ?,
    claimed_until = 0 WHERE id = ?`,
  list: `SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE state IN (SELECT value FROM json_each(?)) AND (? IS NULL OR group_key = ?)
    ORDER BY rowid DESC LIMIT ?`,
} as const;

/** The SQLite store's episodes: one row each, changed inside the writer's transaction. */
export class SqliteIncidents implements IncidentStore {
  constructor(private readonly writer: SqliteWriter) {}

  openIncident(open: OpenIncident): Promise<{ incident: Incident; opened: boolean }> {
    return this.writer.write(() => {
      const { id: notificationId, originalBody } = open.notification;
      const found = this.row(INCIDENT_SQL.findOpen, notificationId, open.groupKey, open.policy, notificationId);
      if (found !== undefined) {
        const incident = toIncident(found);
        if (incident.openedBy === notificationId || incident.state === 'resolved') return { incident, opened: false };
        this.run(INCIDENT_SQL.takeNotification, notificationId, originalBody, body(open.notification), open.now, incident.id);
        return { incident: { ...incident, notificationId, updatedAt: open.now }, opened: false };
      }
      const incident = newIncident({ ...open, notificationId });
      this.run(
        INCIDENT_SQL.insert,
        incident.id,
        incident.groupKey,
        incident.policy,
        open.now,
        open.now,
        notificationId,
        notificationId,
        originalBody,
        body(open.notification),
        open.firstStepAt,
      );
      return { incident, opened: true };
    });
  }

  getIncident(id: string): Promise<Incident | undefined> {
    return this.writer.read(() => {
      const row = this.row(INCIDENT_SQL.get, id);
      return row === undefined ? undefined : toIncident(row);
    });
  }

  listIncidents(query: IncidentQuery): Promise<Incident[]> {
    return this.writer.read(() => {
      const group = query.groupKey ?? null;
      const rows = preparedOn(this.writer.db, INCIDENT_SQL.list).all(
        JSON.stringify(query.states),
        group,
        group,
        query.limit,
      ) as IncidentRow[];
      return rows.map(toIncident);
    });
  }

  changeIncident(id: string, change: IncidentChange, now: number): Promise<IncidentChangeResult> {
    return this.writer.write((): IncidentChangeResult => {
      const row = this.row(INCIDENT_SQL.get, id);
      if (row === undefined) return { changed: false, reason: 'not found' };
      const incident = toIncident(row);
      const changed = applyIncidentChange(incident, change, now);
      if (changed === undefined) return { changed: false, reason: 'conflict', incident };
      this.run(INCIDENT_SQL.update, ...changedColumns(changed), id);
      return { changed: true, incident: changed };
    });
  }

  private row(sql: string, ...values: unknown[]): IncidentRow | undefined {
    return preparedOn(this.writer.db, sql).get(...values) as IncidentRow | undefined;
  }

  private run(sql: string, ...values: unknown[]): void {
    preparedOn(this.writer.db, sql).run(...values);
  }
}

function body(notification: Notification): string {
  return encodeNotification(notification);
}
