import { Router, type RequestHandler } from 'express';
import type { DeliveryStore } from '../../store/ports/delivery-store.js';
import { maskDeep, type SecretMasker } from '../../observability/mask-secrets.js';
import { decodeCursor } from './history-cursor.js';
import { parseHistoryFilter } from './history-filter-params.js';
import { presentRecord, serializePage } from './history-page.js';
import { NotFoundError, ValidationError } from '../http-errors.js';
import { couldBeStoredId } from '../store-text.js';

const MAX_LIMIT = 500;
/**
 * What one answer may weigh. Count alone does not bound it: 500 notifications near the body limit
 * are gigabytes, which the heap cannot hold and no client wants at once. Past it the page ends
 * early and `nextCursor` leads on.
 */
const PAGE_BYTES = 8 * 1024 * 1024;

/**
 * `GET /api/notifications?limit=N&cursor=C` (with the filters of history-filter-params.ts) and `GET /api/notifications/:id`: what arrived, what it was
 * enriched with, and what every action did, attempt by attempt. Secrets are masked on the way out,
 * whatever an upstream's error message may have echoed.
 */
export function createHistoryRouter(store: DeliveryStore, mask: SecretMasker, auth: RequestHandler): Router {
  const router = Router();
  router.get('/api/notifications', auth, async (req, res) => {
    const raw = req.query.limit;
    const limit = raw === undefined ? 20 : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new ValidationError(`limit must be an integer from 1 to ${MAX_LIMIT}`, [{ path: 'limit', message: `got ${String(raw)}` }]);
    }
    const cursor = req.query.cursor;
    if (cursor !== undefined && typeof cursor !== 'string')
      throw new ValidationError('cursor must be given once', [{ path: 'cursor', message: 'repeated' }]);
    const before = cursor === undefined || cursor === '' ? undefined : decodeCursor(cursor);
    const filter = parseHistoryFilter(req.query);
    const page = await store.listNotifications({ limit, maxBytes: PAGE_BYTES, filter, ...(before === undefined ? {} : { before }) });
    res.type('application/json').send(serializePage(page, mask, PAGE_BYTES).text);
  });
  router.get('/api/notifications/:id', auth, async (req, res) => {
    const id = String(req.params.id);
    const record = couldBeStoredId(id) ? await store.getNotification(id) : undefined;
    if (record === undefined) throw new NotFoundError(`no notification with id ${id} (it may have aged out of the history)`);
    res.json(maskDeep({ status: 'success', notification: presentRecord(record) }, mask));
  });
  return router;
}
