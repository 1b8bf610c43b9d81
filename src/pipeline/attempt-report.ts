import type { AttemptReport } from '../integrations/action.js';
import type { Logger } from '../observability/logger.js';
import type { DeliveryStore } from '../store/ports/delivery-store.js';
import type { HistoryEvent, Job } from '../store/ports/records.js';
import { sentMessage, type SentMessage } from '../store/ports/sent-message.js';

/** What one attempt's action told: the message it sent, kept with the attempt, and its template fallbacks. */
export interface CollectedReport extends AttemptReport {
  /** `{ message }` for the attempt record, or nothing when the action sent no message. */
  message(): { message?: SentMessage };
  /** Records the template fallbacks in the history; a store that fails here costs the event, never the attempt. */
  flush(): Promise<void>;
}

export function collectAttemptReport(deps: {
  readonly job: Job;
  readonly at: number;
  readonly store?: Pick<DeliveryStore, 'recordEvent'>;
  readonly logger: Logger;
}): CollectedReport {
  let sent: SentMessage | undefined;
  const events: HistoryEvent[] = [];
  const { job } = deps;
  return {
    sent: ({ contentType, body }) => void (sent = sentMessage(contentType, body)),
    templateFellBack: (template, reason) =>
      void events.push({
        at: deps.at,
        kind: 'template-fallback',
        action: job.action,
        fingerprints: job.fingerprints,
        detail: `template "${template}" failed (${reason}); its default was sent`,
      }),
    message: () => (sent === undefined ? {} : { message: sent }),
    async flush() {
      for (const event of events.splice(0)) {
        if (deps.store === undefined) deps.logger.warn('template fallback not recorded: no history here', { detail: event.detail });
        else
          await deps.store
            .recordEvent(job.notificationId, event)
            .catch((error: unknown) => deps.logger.warn('could not record a template fallback in the history', { error: String(error) }));
      }
    },
  };
}
