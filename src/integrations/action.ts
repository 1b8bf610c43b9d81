import type { RateLimit } from '../store/ports/rate-limits.js';
import type { Logger } from '../observability/logger.js';
import type { MessageRefStore } from '../store/ports/message-refs.js';
import type { FirstPostClaimStore } from '../store/ports/first-post-claims.js';
import type { EnrichedNotification } from '../model/model.js';
import type { IncidentWebhook } from './incident-webhook.js';

export interface ActionContext {
  /** A child logger bound to the notification and the action. */
  readonly logger: Logger;
  /** Aborted when the attempt times out or the process shuts down. */
  readonly signal: AbortSignal;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Durable message references (the delivery store), for actions that edit what they posted. */
  readonly messageRefs?: MessageRefStore;
  /** Who posts a group's first message when deliveries of it run at once, on any replica (the delivery store). */
  readonly firstPostClaims?: FirstPostClaimStore;
  /** Where an action tells what this attempt sent and how, for the history (the console shows both). */
  readonly report?: AttemptReport;
}

/**
 * What an action tells about one attempt, besides its outcome. Both are optional to call: an
 * action that sends no message (a command, a scale) tells nothing.
 */
export interface AttemptReport {
  /** The body as it goes out (called before sending, so that a failed attempt shows what it tried). */
  sent(message: { readonly contentType: string; readonly body: unknown }): void;
  /** A template failed while rendering and its default went out instead. */
  templateFellBack(template: string, reason: string): void;
}

/** What a successful attempt reports; it is kept in the notification's history. */
export interface ActionResult {
  /** One line for the history and the log, e.g. "posted 3 alerts" or "dry run: would scale to 4". */
  readonly detail?: string;
  /** Anything worth keeping: the PagerDuty dedup keys, the replica counts, the exit codes. */
  readonly data?: Readonly<Record<string, unknown>>;
}

/**
 * An action receives an enriched notification, holding only the alerts routed to it, and does
 * one thing with it: post, page, run, scale, call.
 *
 * To fail, throw. Throw `ActionError` (integrations/action-error.ts) to say whether a retry could help;
 * any other error counts as retryable. Actions never retry by themselves: delivery does, with
 * backoff, and records every attempt.
 */
export interface Action {
  /** The name routes refer to (the key under `actions:` in the config). */
  readonly name: string;
  /** The action type: `log`, `slack`, `pagerduty`, `exec`, `scale`, `webhook`, or a custom one. */
  readonly type: string;
  /** Whether resolved alerts reach this action, as Alertmanager's `send_resolved`. */
  readonly sendResolved: boolean;
  readonly rateLimit?: RateLimit;
  /**
   * When the action runs. `after-ack` (the default): from the queue, after the sender has its 2xx,
   * enriched, retried on failure. `before-ack`: while the sender waits, once, without enrichment,
   * and a failure makes the answer a 500 so that Alertmanager sends the notification again; this
   * is how prometheus-am-executor runs commands with `notify_on_failure`.
   */
  readonly timing?: 'after-ack' | 'before-ack';
  /**
   * `never`: an attempt that fails in any way, its timeout included, is final; for actions whose
   * effect must not repeat (a remediation command). Absent: delivery retries what the error says
   * is worth retrying (an `ActionError`'s `retryable`; anything else, and a timeout, counts as yes).
   */
  readonly retry?: 'never';
  /**
   * How deduplication treats this action. Absent: per alert, over `delivery.dedup_window` (an alert
   * already acted on in the same state is left out of the action's share). `group` (commands, as
   * prometheus-am-executor ran them): the action always gets every alert routed to it, and only a
   * copy of a notification it already took (same group, same alerts in the same states) within
   * `windowMs` is dropped, whole; 0 takes every copy.
   */
  readonly dedup?: { readonly scope: 'group'; readonly windowMs: number };
  /** How long one attempt may take before delivery aborts it (its `signal`) and retries; 30 s when absent. */
  readonly timeoutMs?: number;
  handle(notification: EnrichedNotification, ctx: ActionContext): Promise<ActionResult | void>;
  /**
   * What one attempt would send for this notification, without sending it, checked against the
   * destination's limits; `alertpipe render` shows it. Actions that send no message leave it out.
   */
  preview?(notification: EnrichedNotification): ActionPreview;
  /** What it can do beyond sending; the pipeline looks each up here. */
  readonly capabilities?: ActionCapabilities;
}

/**
 * What an integration can do beyond sending, declared with its action so that the pipeline looks
 * it up instead of probing the action's shape. An integration with a capability only it has adds
 * it from its own folder by augmenting this interface (`declare module`), as the Slack app does
 * with `slackApp`: no shared file changes.
 */
export interface ActionCapabilities {
  /**
   * Acknowledges these alerts at the destination (PagerDuty's incidents, by their dedup_key) when
   * someone acknowledges them elsewhere (a Slack button); one line saying what it did.
   */
  readonly acknowledge?: (fingerprints: readonly string[], signal: AbortSignal) => Promise<string>;
  /**
   * The platform acknowledges, unacknowledges or resolves alertpipe's episodes through this
   * webhook (PagerDuty's webhooks v3, Opsgenie's outgoing webhook, Telegram's buttons); present
   * only when its secret is configured.
   */
  readonly incidentWebhook?: IncidentWebhook;
  /** Asks the destination, at start and by `check-config`, whether it will take this action's messages. */
  readonly check?: (signal: AbortSignal) => Promise<ActionCheck>;
  /**
   * Connects to the destination at start only, never from `check-config` (which runs wherever the
   * file is checked, often where the destination is out of reach, and must not log in to a mail
   * server): its answer is only ever a warning, so a file `check-config` accepts still starts.
   */
  readonly startCheck?: (signal: AbortSignal) => Promise<{ readonly warning?: string }>;
}

/** What a destination answered a start-up check. */
export interface ActionCheck {
  /**
   * A definite answer (a wrong token, no such channel): start-up stops and `check-config` reports
   * it, at `actions.<name>.<field>`.
   */
  readonly problem?: { readonly field: string; readonly message: string };
  /** The destination could not be asked (down, a timeout): logged, and its jobs wait in the queue. */
  readonly warning?: string;
}

/** The exact body an action would send, and what the destination would refuse in it. */
export interface ActionPreview {
  readonly contentType: string;
  readonly body: unknown;
  /** Limits the body breaks (none when it would be accepted). */
  readonly problems: readonly string[];
}
