/**
 * What a notification made by an escalation step carries, so that every action's message can say
 * which step it is, who was paged before, and who is on call now. Ingested notifications have none.
 */
export interface EscalationStep {
  /** The episode (incident) this step belongs to. */
  readonly incident: string;
  /** The policy's name under `escalations:`. */
  readonly policy: string;
  /** 1-based position in the chain, and the chain's length. */
  readonly step: number;
  readonly steps: number;
  /** 1-based run of the chain (`repeat` runs it again), and how many runs there are. */
  readonly round: number;
  readonly rounds: number;
  /** The actions this step runs. */
  readonly actions: readonly string[];
  /** Earlier steps of the episode, oldest first: when, and whom they paged. */
  readonly pagedBefore: readonly EscalationPage[];
  /** Who is on call at the moment the step ran, for `notify: { schedule }` (or named `people`). */
  readonly onCall: readonly EscalationContact[];
  /** What could not be found out ("schedule primary could not be read: …"); the step ran anyway. */
  readonly notes: readonly string[];
}

export interface EscalationPage {
  readonly step: number;
  readonly at: number;
  readonly actions: readonly string[];
  /** The people notified by name. */
  readonly notified: readonly string[];
}

/** A person to mention: their name, and their Slack user id when the config has one. */
export interface EscalationContact {
  readonly name: string;
  /** The schedule they hold, when the step notified a schedule. */
  readonly schedule?: string;
  readonly slack?: string;
  /** Until when they are on call, when known (ms since the epoch). */
  readonly until?: number;
}

/** `Escalation page-critical, step 2 of 3` (and `, round 2 of 2` when the chain repeats): the step's title line. */
export function describeEscalationStep(step: EscalationStep): string {
  const round = step.rounds > 1 ? `, round ${step.round} of ${step.rounds}` : '';
  return `Escalation ${step.policy}, step ${step.step} of ${step.steps}${round}`;
}

/** `step 1 at 2026-11-22 12:04:05 UTC: slack-alerts, paged alice`: one earlier step, in one line. */
export function describeEscalationPage(page: EscalationPage): string {
  const at = `${new Date(page.at).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  const paged = page.notified.length > 0 ? `, paged ${page.notified.join(', ')}` : '';
  return `step ${page.step} at ${at}: ${page.actions.join(', ')}${paged}`;
}
