import type { Actor } from '../store/ports/records.js';
import type { IncidentCommand, IncidentControlResult } from './incident-control.js';

/**
 * Which episode a platform's webhook means, in the platform's own terms; the app turns it into an
 * `IncidentRef`. An integration knows only what it sent: PagerDuty an alert's dedup key (one per
 * alert), Opsgenie the group's alias (`groupKeyHash`), Telegram the message reference its button
 * carries.
 */
export type IncidentTarget =
  | { readonly groupKey: string }
  | { readonly alertFingerprint: string }
  | { readonly groupKeyHash: string }
  | { readonly messageRef: string };

/** A webhook request as it arrived: the raw body is what signatures cover. */
export interface IncidentWebhookRequest {
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly query: URLSearchParams;
  readonly rawBody: Buffer;
  /** When it arrived (milliseconds since the epoch): how old the event it carries is. */
  readonly receivedAt: number;
}

/** One command a webhook asks for: on which episode, by whom (`by.via` the platform). */
export interface IncidentWebhookCommand {
  readonly target: IncidentTarget;
  readonly command: IncidentCommand;
  readonly by: Actor;
}

/** What became of a command: `not found` also when the target names no episode alertpipe knows. */
export type IncidentWebhookOutcome = IncidentControlResult;

export type IncidentWebhookVerdict =
  /** Not signed (or not carrying the secret) as the platform does: 401, nothing done. */
  | { readonly kind: 'unauthorized'; readonly error: string }
  /** Signed, but not a body the platform sends: 400, nothing done. */
  | { readonly kind: 'invalid'; readonly error: string }
  | {
      readonly kind: 'accepted';
      /** None: an event alertpipe does not act on (answered 2xx, so that the platform does not retry it). */
      readonly commands: readonly IncidentWebhookCommand[];
      /** Why nothing is done, for the answer and the log, when `commands` is empty. */
      readonly ignored?: string;
      /**
       * The platform's own id of the event (`pagerduty:<event.id>`), when it gives one: claimed once
       * in the store for `replayWindowMs`, so that the same signed delivery, received again (a
       * redelivery, or a captured request replayed), is answered 200 and does nothing.
       */
      readonly replay?: { readonly eventId: string; readonly windowMs: number };
      /**
       * Runs once the commands ran, before the answer (Telegram's `answerCallbackQuery`, which
       * stops the button's spinner); it must not throw: it logs its own failures.
       */
      readonly after?: (outcomes: readonly IncidentWebhookOutcome[], signal: AbortSignal) => Promise<void>;
    };

/**
 * An integration's inbound webhook through which its platform acknowledges, unacknowledges or
 * resolves alertpipe's episodes (PagerDuty's webhooks v3, Opsgenie's outgoing webhook, Telegram's
 * button callbacks). Declared as the action's capability `incidentWebhook`; the app serves every
 * declared `path` and runs the commands through the one `IncidentControl`.
 */
export interface IncidentWebhook {
  /** `POST` path, such as `/pagerduty/webhooks`; several actions may share one (each with its own secret). */
  readonly path: string;
  /** Checks the request's signature or secret first, then reads the commands out of the body. */
  receive(request: IncidentWebhookRequest): IncidentWebhookVerdict;
}
