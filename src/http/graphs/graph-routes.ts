import { Router, type RequestHandler } from 'express';
import type { DeliveryStore } from '../../store/ports/delivery-store.js';
import { graphDataSchema } from '../../charts/graph-data.js';
import type { ChartRenderer } from '../../charts/render-chart-png.js';
import type { EnrichedAlert } from '../../model/model.js';
import { NotFoundError } from '../http-errors.js';
import { couldBeStoredId } from '../store-text.js';

/**
 * `GET /api/notifications/:id/graphs/:fingerprint.png`: the graph the `graph` enricher linked from
 * the message, drawn from what it kept with the alert. Same credentials as the history API. The
 * data never changes once stored, so the image may be cached by the browser that opened it.
 */
export function createGraphRouter(store: DeliveryStore, auth: RequestHandler, charts: ChartRenderer): Router {
  const router = Router();
  router.get('/api/notifications/:id/graphs/:file', auth, async (req, res) => {
    const id = String(req.params.id);
    const file = String(req.params.file);
    if (!file.endsWith('.png')) throw new NotFoundError('graphs are served as .png');
    const fingerprint = file.slice(0, -'.png'.length);
    const record = couldBeStoredId(id) ? await store.getNotification(id) : undefined;
    if (record === undefined) throw new NotFoundError(`no notification with id ${id} (it may have aged out of the history)`);
    const alert = record.notification.alerts.find((a) => a.fingerprint === fingerprint);
    if (alert === undefined) throw new NotFoundError(`notification ${id} has no alert with fingerprint ${fingerprint}`);
    const stored = (alert as Partial<EnrichedAlert>).enrichment?.graph?.data?.graph;
    // Parsed, not trusted: the history outlives versions, and an image is drawn from it.
    const graph = graphDataSchema.safeParse(stored);
    if (!graph.success) throw new NotFoundError(`no graph for alert ${fingerprint} (the graph enricher did not run or found no data)`);
    res.set({ 'Content-Type': 'image/png', 'Cache-Control': 'private, max-age=86400' }).send(await charts.render(graph.data));
  });
  return router;
}
