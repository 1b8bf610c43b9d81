import type { Matcher } from '../../model/matchers.js';
import type { AlertStatus } from '../../model/model.js';

/** What an action's job came to, as the console and the history API filter on it. */
export const OUTCOMES = ['delivered', 'retrying', 'dead', 'failed', 'duplicate', 'rate-limited'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * Which notifications a history page keeps. Every field narrows; none means all. `action` and
 * `outcome` together mean that action's job came to that outcome.
 */
export interface HistoryFilter {
  /** At least one alert whose labels match every matcher (Alertmanager's syntax). */
  readonly matchers?: readonly Matcher[];
  /** The notification's status. */
  readonly status?: AlertStatus;
  /** The Alertmanager receiver that sent it (`receiver` in its webhook body). */
  readonly receiver?: string;
  readonly action?: string;
  readonly outcome?: Outcome;
  /** Received at or after (ms since the epoch). */
  readonly since?: number;
  /** Received before. */
  readonly until?: number;
  /** Holds the alert with this fingerprint (the per-alert timeline). */
  readonly fingerprint?: string;
}
