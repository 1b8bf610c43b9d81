import type { Notification } from '../../model/model.js';
import type { DueStep, EscalationTimerStore, FireStep } from '../ports/escalation-timers.js';
import { changedColumns, INCIDENT_COLUMNS, toIncident, type IncidentRow } from '../incident-rows.js';
import { stoppedAt } from '../incident-changes.js';
import type { Incident } from '../ports/incidents.js';
import { decodeNotification, encodeNotification } from '../notification-codec.js';
import { INCIDENT_SQL } from './sqlite-incidents.js';
import { preparedOn } from './sqlite-prepared.js';
import type { SqliteQueue } from './sqlite-queue.js';
import type { SqliteWriter } from './sqlite-writer.js';

const SQL = {
  claimDue: `UPDATE incidents SET claimed_until = ?
    WHERE rowid IN (SELECT rowid FROM incidents WHERE state = 'triggered' AND next_step_at <= ? AND claimed_until <= ?
                    ORDER BY next_step_at LIMIT ?)
    RETURNING ${INCIDENT_COLUMNS}, original, body`,
  nextDue: `SELECT min(next_step_at) AS due FROM incidents WHERE state = 'triggered'`,
} as const;

/**
 * The SQLite store's escalation timers: the episodes' next steps, claimed and fired inside the
 * writer's transaction, the step's notification queued in the same one.
 */
export class SqliteEscalationTimers implements EscalationTimerStore {
  constructor(
    private readonly writer: SqliteWriter,
    private readonly queue: SqliteQueue,
  ) {}

  claimDueSteps(now: number, limit: number, leaseMs: number): Promise<DueStep[]> {
    return this.writer.write(() => {
      const rows = preparedOn(this.writer.db, SQL.claimDue).all(now + leaseMs, now, now, limit) as Array<
        IncidentRow & { original: string; body: string }
      >;
      return rows.map((row) => ({ incident: toIncident(row), notification: decodeNotification<Notification>(row.body, row.original) }));
    });
  }

  nextStepDueAt(): Promise<number | undefined> {
    return this.writer.read(() => (preparedOn(this.writer.db, SQL.nextDue).get() as { due: number | null }).due ?? undefined);
  }

  async fireStep(fire: FireStep): Promise<boolean> {
    const fired = await this.writer.write(() => {
      const row = preparedOn(this.writer.db, INCIDENT_SQL.get).get(fire.incidentId) as IncidentRow | undefined;
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
      preparedOn(this.writer.db, INCIDENT_SQL.update).run(...changedColumns(next), fire.incidentId);
      const { notification } = fire;
      this.writer.sql.insertNotification.run(notification.id, notification.receivedAt.getTime());
      this.writer.sql.insertBody.run(notification.id, notification.originalBody, encodeNotification(notification));
      return true;
    });
    if (fired) this.queue.countQueued();
    return fired;
  }

  stopSteps(incidentId: string, step: number, now: number): Promise<Incident | undefined> {
    return this.writer.write(() => {
      const row = preparedOn(this.writer.db, INCIDENT_SQL.get).get(incidentId) as IncidentRow | undefined;
      const stopped = row === undefined ? undefined : stoppedAt(toIncident(row), step, now);
      if (stopped !== undefined) preparedOn(this.writer.db, INCIDENT_SQL.update).run(...changedColumns(stopped), incidentId);
      return stopped;
    });
  }
}
