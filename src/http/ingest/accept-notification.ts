import type { DeliveryStore } from '../../store/ports/delivery-store.js';
import type { BeforeAckFailure } from '../../pipeline/run-before-ack.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import { BeforeAckActionError, BeforeAckRejectedError, PartlyAcceptedError, ServiceUnavailableError } from '../http-errors.js';
import type { LeftOutAlerts } from './keep-valid-alerts.js';
import { normalize } from './normalize.js';
import { parseJsonBody } from '../parse-json.js';
import type { Notification } from '../../model/model.js';

export interface AcceptedNotification {
  readonly id: string;
  readonly alerts: number;
}

export interface IntakeDeps {
  readonly store: DeliveryStore;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Wakes the dispatcher so the work starts now. */
  readonly onAccepted: () => void;
  /** Runs the actions that must finish before the answer; returns those that failed. */
  readonly runBeforeAck: (notification: Notification) => Promise<BeforeAckFailure[]>;
  /** False once shutdown has begun: new work goes to another replica, or comes back later. */
  readonly isAccepting: () => boolean;
}

export type AcceptNotification = (bodyText: string, endpoint: string) => Promise<AcceptedNotification>;

/**
 * The use case behind every ingest endpoint: parse, normalize, store, and only then acknowledge.
 * Once this resolves, delivering the notification is alertpipe's job alone.
 */
export function createIntake(deps: IntakeDeps): AcceptNotification {
  return async (bodyText, endpoint) => {
    if (!deps.isAccepting()) throw new ServiceUnavailableError('shutting down; send again later', [], { 'Retry-After': '5' });
    let leftOut: LeftOutAlerts | undefined;
    const notification = normalize(parseJsonBody(bodyText), {
      originalBody: bodyText,
      onTruncated: (field) => deps.metrics.alertFieldsTruncated.inc({ field }),
      onLeftOut: (found) => (leftOut = found),
    });
    await deps.store.add(notification);
    deps.onAccepted();
    deps.metrics.notificationsReceived.inc({ endpoint, shape: notification.shape });
    countAlerts(deps.metrics, notification);
    if (deps.logger.isLevelEnabled('debug')) {
      deps.logger.debug('notification accepted', {
        notification: notification.id,
        groupKey: notification.groupKey,
        alerts: notification.alerts.length,
        endpoint,
      });
    }
    const failures = await deps.runBeforeAck(notification);
    if (failures.length > 0) {
      const message = `${failures.length} action${failures.length === 1 ? '' : 's'} failed: ${failures.map((f) => `${f.action}: ${f.error}`).join('; ')}`;
      // Sent again, a notification no action can take would fail again, forever: say so with a 4xx.
      // If any failure might pass on a retry, the 500 stands, so that the sender does retry.
      throw failures.every((f) => f.permanent) ? new BeforeAckRejectedError(message) : new BeforeAckActionError(message);
    }
    if (leftOut) throw partlyAccepted(leftOut, notification);
    return { id: notification.id, alerts: notification.alerts.length };
  };
}

function partlyAccepted(leftOut: LeftOutAlerts, notification: Notification): PartlyAcceptedError {
  const first = leftOut.problems[0];
  const message =
    `${leftOut.leftOut} of ${leftOut.sent} alerts invalid and left out (first: ${first ? `${first.path}: ${first.message}` : 'unknown'}); ` +
    `the other ${notification.alerts.length} accepted as notification ${notification.id}`;
  return new PartlyAcceptedError(message, leftOut.problems.slice(0, 50), { id: notification.id, alerts: notification.alerts.length });
}

/** Once a status, not once an alert: prom-client hashes the labels of every `inc`. */
function countAlerts(metrics: Metrics, notification: Notification): void {
  let firing = 0;
  for (const alert of notification.alerts) if (alert.status === 'firing') firing++;
  const resolved = notification.alerts.length - firing;
  if (firing > 0) metrics.alertsReceived.inc({ status: 'firing' }, firing);
  if (resolved > 0) metrics.alertsReceived.inc({ status: 'resolved' }, resolved);
}
