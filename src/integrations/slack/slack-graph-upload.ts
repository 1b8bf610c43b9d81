import { graphDataSchema, type GraphData } from '../../charts/graph-data.js';
import type { ChartRenderer } from '../../charts/render-chart-png.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { EnrichedNotification } from '../../model/model.js';
import type { SlackApi } from './slack-api.js';

/** Images per message at most: a group of thirty pods must not bury its thread in pictures. */
export const MAX_GRAPHS_PER_MESSAGE = 3;

export interface GraphUploadTarget {
  readonly api: SlackApi;
  /** The service's renderer; a chart it cannot draw (no rasteriser, an unreadable font) is this upload's failure. */
  readonly charts: ChartRenderer;
  readonly channelId: string;
  readonly threadTs: string;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly metrics?: Metrics | undefined;
  readonly action: string;
}

export interface GraphUploadOutcome {
  readonly uploaded: number;
  readonly failed: number;
}

/** The graphs the `graph` enricher kept with the firing alerts, the first few, parsed rather than trusted. */
export function graphsToUpload(notification: EnrichedNotification): Array<{ readonly fingerprint: string; readonly graph: GraphData }> {
  const found: Array<{ fingerprint: string; graph: GraphData }> = [];
  for (const alert of notification.alerts) {
    if (found.length >= MAX_GRAPHS_PER_MESSAGE) break;
    if (alert.status !== 'firing') continue;
    const parsed = graphDataSchema.safeParse(alert.enrichment?.graph?.data?.graph);
    if (parsed.success) found.push({ fingerprint: alert.fingerprint, graph: parsed.data });
  }
  return found;
}

/**
 * Draws each graph and shares it in the message's thread. The message matters more than the
 * picture: a graph that cannot be drawn or uploaded (no `files:write` scope, Slack down, the
 * attempt's deadline) is logged and counted, never thrown, so the job that posted the message
 * succeeds and is not retried for an image.
 */
export async function uploadGraphs(notification: EnrichedNotification, target: GraphUploadTarget): Promise<GraphUploadOutcome> {
  let uploaded = 0;
  let failed = 0;
  for (const { fingerprint, graph } of graphsToUpload(notification)) {
    try {
      const bytes = await target.charts.render(graph);
      await target.api.uploadToThread(
        {
          filename: `${fingerprint}.png`,
          title: `${graph.subject}: last hour`,
          bytes,
          channelId: target.channelId,
          threadTs: target.threadTs,
        },
        target.signal,
      );
      uploaded += 1;
      target.metrics?.slackGraphUploads.inc({ outcome: 'uploaded' });
    } catch (error) {
      failed += 1;
      target.metrics?.slackGraphUploads.inc({ outcome: 'failed' });
      target.logger.warn('graph not attached to the Slack thread', {
        action: target.action,
        notification: notification.id,
        fingerprint,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { uploaded, failed };
}
