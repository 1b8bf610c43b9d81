import { graphDataSchema } from '../../charts/graph-data.js';
import type { ChartRenderer } from '../../charts/render-chart-png.js';
import type { EnrichedNotification } from '../../model/model.js';
import type { Logger } from '../../observability/logger.js';

/** The graph PNG a push carries beside its text. */
export interface GraphAttachment {
  readonly png: Buffer;
  readonly filename: string;
}

/**
 * The first firing alert's graph (kept by the `graph` enricher), drawn as PNG for a push that can
 * carry one picture (ntfy, Pushover). Nothing for a resolve, whose graph would only repeat the
 * firing one. The message matters more than the picture: a graph that cannot be drawn is logged
 * and the message goes without it.
 */
export async function firstGraphAttachment(
  notification: EnrichedNotification,
  charts: ChartRenderer,
  logger: Logger,
  action: string,
): Promise<GraphAttachment | undefined> {
  if (notification.status !== 'firing') return undefined;
  for (const alert of notification.alerts) {
    const parsed = graphDataSchema.safeParse(alert.enrichment?.graph?.data?.graph);
    if (alert.status !== 'firing' || !parsed.success) continue;
    try {
      return { png: await charts.render(parsed.data), filename: `${alert.fingerprint}.png` };
    } catch (error) {
      logger.warn('graph not attached; the message goes without it', {
        action,
        error: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    }
  }
  return undefined;
}
