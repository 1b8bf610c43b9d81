import type { Incident } from '../store/ports/incidents.js';
import type { Actor } from '../store/ports/records.js';

/**
 * Which episode a surface means: its id (the HTTP API, the console), or the group it belongs to
 * (a Slack click, a PagerDuty or Opsgenie webhook, a Telegram button), meaning the group's open one.
 */
export type IncidentRef = { readonly id: string } | { readonly groupKey: string };

/** What a person can do to an episode by hand. */
export type IncidentCommand = 'acknowledge' | 'unacknowledge' | 'resolve';

export type IncidentControlResult =
  | { readonly done: true; readonly incident: Incident }
  | { readonly done: false; readonly reason: 'not found' }
  /** The episode is not in a state the command leaves; `message` says which, for a 409. */
  | { readonly done: false; readonly reason: 'conflict'; readonly incident: Incident; readonly message: string };

/**
 * The one way every surface (Slack, the console, the HTTP API, the webhooks of PagerDuty and
 * Opsgenie, Telegram) acknowledges, unacknowledges or resolves an episode by hand: it moves the
 * episode in the store, stops or restarts its chain, and records who did it, when and from where
 * (`by.via`) in the history. Surfaces receive it from the app and never reach the store themselves.
 */
export interface IncidentControl {
  command(ref: IncidentRef, command: IncidentCommand, by: Actor): Promise<IncidentControlResult>;
}
