import type { Notification } from '../../model/model.js';
import type { Incident, StepRun } from './incidents.js';

/** A triggered episode whose next step is due, with the group's latest notification. */
export interface DueStep {
  readonly incident: Incident;
  readonly notification: Notification;
}

export interface FireStep {
  readonly incidentId: string;
  /** The step the caller read as next (`Incident.nextStep`): the step runs only while it still is. */
  readonly step: number;
  readonly run: StepRun;
  /** What the step delivers: queued and planned as any other notification. */
  readonly notification: Notification;
  /** When the step after it falls due; absent when none is left. */
  readonly nextStepAt: number | undefined;
}

/**
 * Escalation steps as durable timers: a step due at T is found at T by whichever process asks
 * (after a restart too), claimed for a while so that replicas do not all prepare it, and run
 * exactly once: `fireStep` queues the step's notification and moves the episode on in one
 * transaction, and only while the episode is still triggered and at that step. An acknowledgement
 * committed first, on any replica, wins; a second replica firing the same step finds it moved on.
 */
export interface EscalationTimerStore {
  /** Up to `limit` triggered episodes whose next step is due at `now` and that no claim holds; each now held for `leaseMs`. */
  claimDueSteps(now: number, limit: number, leaseMs: number): Promise<DueStep[]>;
  /** When the earliest next step of a triggered episode falls due; `undefined` when none does. */
  nextStepDueAt(): Promise<number | undefined>;
  /** Runs the step (see the interface); `false` when the episode was no longer triggered at that step, and nothing was queued. */
  fireStep(fire: FireStep): Promise<boolean>;
  /**
   * Stops the chain of an episode whose policy is gone (a reload removed it): no step falls due any
   * more, and the episode stays open (acknowledged, resolved by hand or by its group as before).
   * Only while it is triggered at `step`; `undefined` when it was not (moved on, or stopped by
   * another replica), so that whoever stops it says so once.
   */
  stopSteps(incidentId: string, step: number, now: number): Promise<Incident | undefined>;
}
