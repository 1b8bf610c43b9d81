import { createHash } from 'node:crypto';
import { graphDataSchema } from '../../charts/graph-data.js';
import type { ChartRenderer } from '../../charts/render-chart-png.js';
import type { Logger } from '../../observability/logger.js';
import type { EnrichedNotification } from '../../model/model.js';

/** Pictures per mail at most: a group of thirty pods must not make a mail of thirty images. */
export const MAX_GRAPHS_PER_MAIL = 3;

/** An inline image: a related part of the mail, shown where the HTML says `cid:<cid>`. */
export interface InlineGraph {
  readonly fingerprint: string;
  readonly cid: string;
  readonly filename: string;
  readonly content: Buffer;
}

/**
 * The graphs the `graph` enricher kept with the firing alerts shown, drawn as PNG to travel inside
 * the mail: the reader sees them without following a link (which a mail client may not, and which
 * would need alertpipe reachable from the reader). The mail matters more than a picture: one that
 * cannot be drawn is logged and left out.
 */
export async function inlineGraphs(
  notification: EnrichedNotification,
  shown: ReadonlySet<string>,
  charts: ChartRenderer,
  logger: Logger,
): Promise<InlineGraph[]> {
  const graphs: InlineGraph[] = [];
  for (const alert of notification.alerts) {
    if (graphs.length >= MAX_GRAPHS_PER_MAIL) break;
    if (alert.status !== 'firing' || !shown.has(alert.fingerprint)) continue;
    const parsed = graphDataSchema.safeParse(alert.enrichment?.graph?.data?.graph);
    if (!parsed.success) continue;
    try {
      const content = await charts.render(parsed.data);
      // A Content-ID is an addr-spec; the fingerprint's hash keeps it unique and free of odd characters.
      const cid = `graph-${createHash('sha256').update(alert.fingerprint).digest('hex').slice(0, 16)}@alertpipe`;
      graphs.push({ fingerprint: alert.fingerprint, cid, filename: `${alert.fingerprint}.png`, content });
    } catch (error) {
      logger.warn('graph left out of the mail', {
        fingerprint: alert.fingerprint,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return graphs;
}
