import type { Notification } from '../../model/model.js';
import type { DueStep, EscalationTimerStore, FireStep } from '../ports/escalation-timers.js';
import { changedColumns, INCIDENT_COLUMNS, toIncident, type IncidentRow } from '../incident-rows.js';
import { stoppedAt } from '../incident-changes.js';
import type { Incident } from '../ports/incidents.js';
import { decodeNotification, encodeNotification } from '../notification-codec.js';
import type { PostgresConnection } from './postgres-connection.js';
import { INCIDENT_SQL } from './postgres-incidents.js';
import { WORK_CHANNEL } from './postgres-statements.js';
import { inTransaction } from './postgres-transaction.js';

const NOW_MS = `(extract(epoch FROM statement_timestamp()) * 1000)::bigint`;

const SQL = {
  /** $1 now, $2 limit, $3 lease ms: claims are held on the database's clock, which every replica shares. */
  claimDue: `UPDATE alertpipe_incidents i SET claimed_until = ${NOW_MS} + $3
    FROM (SELECT id FROM alertpipe_incidents WHERE state = 'triggered' AND next_step_at <= $1 AND claimed_until <= ${NOW_MS}
          ORDER BY next_step_at LIMIT $2 FOR UPDATE SKIP LOCKED) c
    WHERE i.id = c.id
    RETURNING ${INCIDENT_COLUMNS.split(', ')
      .map((column) => `i.${column}`)
      .join(', ')}, i.original, i.body`,
  nextDue: `SELECT min(next_step_at) AS due FROM alertpipe_incidents WHERE state = 'triggered'`,
  /** The step's notification, queued as ingest queues one; the NOTIFY (at commit) wakes every replica's delivery, this one's too. */
  queue: `INSERT INTO alertpipe_notifications (id, state, received_at, original, body) VALUES ($1, 'queued', $2, $3, $4)
    ON CONFLICT (id) DO NOTHING`,
  wake: `SELECT pg_notify('${WORK_CHANNEL}', 'escalation')`,
} as const;

/**
 * The PostgreSQL store's escalation timers, shared by replicas: due steps claimed with `SKIP
 * LOCKED` under a short claim, and fired in a transaction that holds the episode's row, so that
 * an acknowledgement committed first on another replica is seen and wins.
 */
export class PostgresEscalationTimers implements EscalationTimerStore {
  constructor(private readonly db: PostgresConnection) {}

  async claimDueSteps(now: number, limit: number, leaseMs: number): Promise<DueStep[]> {
    if (!this.db.isReady()) return [];
    const rows = await this.db.query<IncidentRow & { original: string; body: string }>(SQL.claimDue, [now, limit, leaseMs]);
    return rows.map((row) => ({ incident: toIncident(row), notification: decodeNotification<Notification>(row.body, row.original) }));
  }

  async nextStepDueAt(): Promise<number | undefined> {
    if (!this.db.isReady()) return undefined;
    const [row] = await this.db.query<{ due: number | null }>(SQL.nextDue);
    return row?.due ?? undefined;
  }

  fireStep(fire: FireStep): Promise<boolean> {
    return inTransaction(this.db, async (client) => {
      const [row] = (await client.query<IncidentRow>(INCIDENT_SQL.lock, [fire.incidentId])).rows;
      if (row === undefined) return false;
      const incident = toIncident(row);
      if (incident.state !== 'triggered' || incident.nextStep !== fire.step) return false;
      const { nextStepAt: _due, ...rest } = incident;
      const next = {
        ...rest,
        nextStep: fire.step + 1,
        updatedAt: fire.run.at,
        runs: [...rest.runs, fire.run],
        ...(fire.nextStepAt === undefined ? {} : { nextStepAt: fire.nextStepAt }),
      };
      await client.query(INCIDENT_SQL.update, [...changedColumns(next), fire.incidentId]);
      const { notification } = fire;
      await client.query(SQL.queue, [
        notification.id,
        notification.receivedAt.getTime(),
        notification.originalBody,
        encodeNotification(notification),
      ]);
      await client.query(SQL.wake);
      return true;
    });
  }

  stopSteps(incidentId: string, step: number, now: number): Promise<Incident | undefined> {
    return inTransaction(this.db, async (client) => {
      const [row] = (await client.query<IncidentRow>(INCIDENT_SQL.lock, [incidentId])).rows;
      const stopped = row === undefined ? undefined : stoppedAt(toIncident(row), step, now);
      if (stopped !== undefined) await client.query(INCIDENT_SQL.update, [...changedColumns(stopped), incidentId]);
      return stopped;
    });
  }
}
