import type { Notification } from '../../model/model.js';
import type { Actor } from './records.js';

/**
 * Episodes of a group under an escalation policy (incidents). An episode begins with the group's
 * first firing notification routed to the policy and ends when the group resolves or someone
 * resolves it by hand; a firing after that begins another. Meanwhile it is `triggered` (its chain
 * walks) or `acknowledged` (the chain waits).
 */
export type IncidentState = 'triggered' | 'acknowledged' | 'resolved';
export const INCIDENT_STATES: readonly IncidentState[] = ['triggered', 'acknowledged', 'resolved'];

/** A step that ran: its position in the chain (repeats counted on, from 0), when, and whom it paged. */
export interface StepRun {
  readonly step: number;
  readonly at: number;
  readonly actions: readonly string[];
  readonly notified: readonly string[];
}

export interface Incident {
  readonly id: string;
  readonly groupKey: string;
  readonly policy: string;
  readonly state: IncidentState;
  readonly startedAt: number;
  readonly updatedAt: number;
  /** The notification that began it: planned again after a crash, it begins no second one. */
  readonly openedBy: string;
  /** The group's latest notification routed to the policy: what its steps deliver. */
  readonly notificationId: string;
  /** The next step to run (0-based, repeats counted on); past the chain's end when all ran. */
  readonly nextStep: number;
  /** When the next step falls due; absent while acknowledged, resolved, or with no step left. */
  readonly nextStepAt?: number;
  readonly acknowledged?: { readonly by: Actor; readonly at: number };
  /** `by` absent: the group resolved by itself. */
  readonly resolved?: { readonly by?: Actor; readonly at: number };
  readonly runs: readonly StepRun[];
}

export interface OpenIncident {
  /** The id of the episode, should one begin. */
  readonly id: string;
  readonly groupKey: string;
  readonly policy: string;
  readonly notification: Notification;
  /** When its first step falls due, should it begin. */
  readonly firstStepAt: number;
  readonly now: number;
}

/** A change asked by hand (or by the group resolving); the store allows only these moves. */
export type IncidentChange =
  | { readonly to: 'acknowledged'; readonly by: Actor }
  /** Unacknowledge: the chain walks on from its next step, due at `nextStepAt` (none left: absent). */
  | { readonly to: 'triggered'; readonly by: Actor; readonly nextStepAt: number | undefined }
  | { readonly to: 'resolved'; readonly by?: Actor };

export type IncidentChangeResult =
  | { readonly changed: true; readonly incident: Incident }
  | { readonly changed: false; readonly reason: 'not found' }
  /** The episode is not in a state the change leaves (acknowledging one acknowledged or resolved). */
  | { readonly changed: false; readonly reason: 'conflict'; readonly incident: Incident };

export interface IncidentQuery {
  readonly states: readonly IncidentState[];
  readonly groupKey?: string;
  readonly limit: number;
}

export interface IncidentStore {
  /**
   * The group's open episode under `policy` takes `notification` as its latest; with none open, a
   * new one begins (`opened`). A notification that began an episode begins no other, even once
   * that one ended: planning it again after a crash changes nothing.
   */
  openIncident(open: OpenIncident): Promise<{ readonly incident: Incident; readonly opened: boolean }>;
  getIncident(id: string): Promise<Incident | undefined>;
  /** Newest first. */
  listIncidents(query: IncidentQuery): Promise<Incident[]>;
  /** Moves an episode: triggered → acknowledged → triggered, either → resolved; anything else is a conflict. */
  changeIncident(id: string, change: IncidentChange, now: number): Promise<IncidentChangeResult>;
}

/** The moves `changeIncident` allows: the states each change may leave. */
export const INCIDENT_MOVES: Readonly<Record<IncidentChange['to'], readonly IncidentState[]>> = {
  acknowledged: ['triggered'],
  triggered: ['acknowledged'],
  resolved: ['triggered', 'acknowledged'],
};
