import { z } from 'zod';
import type { EnrichedAlert } from '../../model/model.js';
import { enrichmentLines } from '../chat/build-message.js';
import { commonActionFields, defineActionType } from '../action-type.js';

/**
 * Writes one structured line per notification: the default action, and the one that shows a new
 * user that alerts arrive. Everything an on-call engineer would read is in the line's metadata.
 */
export const logActionType = defineActionType({
  schema: z.object({
    type: z.literal('log'),
    ...commonActionFields,
    level: z.enum(['info', 'warn', 'error']).default('info'),
  }),
  create(name, config) {
    return {
      name,
      type: 'log',
      sendResolved: config.send_resolved,
      async handle(notification, ctx) {
        ctx.logger[config.level]('alert notification', {
          status: notification.status,
          receiver: notification.receiver,
          groupLabels: notification.groupLabels,
          alerts: notification.alerts.map(describe),
        });
        return { detail: `logged ${notification.alerts.length} alert${notification.alerts.length === 1 ? '' : 's'}` };
      },
    };
  },
});

function describe(alert: EnrichedAlert): Record<string, unknown> {
  const enrichment = enrichmentLines(alert);
  // The pages enrichers point to (the graph of the last hour), by their text.
  const links = Object.fromEntries(Object.values(alert.enrichment).flatMap((found) => (found.links ?? []).map((l) => [l.text, l.url])));
  return {
    alertname: alert.labels.alertname,
    status: alert.status,
    fingerprint: alert.fingerprint,
    labels: alert.labels,
    ...(alert.annotations.summary ? { summary: alert.annotations.summary } : {}),
    ...(alert.annotations.description ? { description: alert.annotations.description } : {}),
    ...(Object.keys(enrichment).length ? { enrichment } : {}),
    ...(Object.keys(links).length ? { links } : {}),
    ...(alert.notes.length ? { notes: alert.notes } : {}),
  };
}
