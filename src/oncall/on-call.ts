/**
 * Who is on call: the one question escalation asks of schedules. Schedules (rotations in YAML or
 * an iCalendar) answer it; escalation steps that `notify: { schedule: NAME }` ask it at the moment
 * the step runs, and mention the person in the step's message with their contact on each platform.
 */

/** A person of the config's `people:` section: their name, and how each platform reaches them. */
export interface Person {
  /** The key under `people:` (or, for someone only named in a calendar, the name as written there). */
  readonly name: string;
  /** The name people and calendars write, when the config gives one (`people.alice.name`). */
  readonly displayName?: string;
  /** Slack user ID (`U…`), mentioned as `<@U…>`. */
  readonly slack?: string;
  readonly email?: string;
  /** Telegram chat ID of the person's chat with the bot. */
  readonly telegram?: string;
  /** PagerDuty user ID. */
  readonly pagerduty?: string;
  /** A phone number (E.164), for actions that page by phone through a webhook. */
  readonly phone?: string;
}

/** Who holds a schedule at a moment, and until when (absent: no end known). */
export interface OnCallShift {
  readonly schedule: string;
  readonly person: Person;
  readonly from?: Date;
  readonly until?: Date;
  /** Said when the answer may be out of date: a calendar answered from its last good copy. */
  readonly note?: string;
}

export interface OnCallLookup {
  /** The schedule's names, in config order. */
  readonly schedules: readonly string[];
  /**
   * Who is on call for `schedule` at `at`; `undefined` when nobody is (a gap in the rotation, a
   * calendar with no event then). Rejects for a schedule not configured, or a calendar that cannot
   * be read (its URL down): the caller degrades the message and says so.
   */
  onCallAt(schedule: string, at: Date): Promise<OnCallShift | undefined>;
}
