import { Router, type RequestHandler } from 'express';
import type { DeliveryStore, NotificationRecord } from '../delivery/delivery-store.js';
import { maskDeep, type SecretMasker } from '../observability/mask-secrets.js';
import { NotFoundError, ValidationError } from './http-errors.js';

const MAX_LIMIT = 500;

/**
 * `GET /api/notifications?limit=N` and `GET /api/notifications/:id`: what arrived, what it was
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
    const records = await store.listNotifications(limit);
    res.json(maskDeep({ status: 'success', notifications: records.map(present) }, mask));
  });
  router.get('/api/notifications/:id', auth, async (req, res) => {
    const record = await store.getNotification(String(req.params.id));
    if (record === undefined) throw new NotFoundError(`no notification with id ${String(req.params.id)} (it may have aged out of the history)`);
    res.json(maskDeep({ status: 'success', notification: present(record) }, mask));
  });
  return router;
}

function present(record: NotificationRecord): Record<string, unknown> {
  const { notification } = record;
  return {
    id: record.id,
    state: record.state,
    receivedAt: new Date(record.receivedAt).toISOString(),
    groupKey: notification.groupKey,
    receiver: notification.receiver,
    status: notification.status,
    alerts: notification.alerts.map((alert) => ({
      fingerprint: alert.fingerprint,
      status: alert.status,
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: alert.startsAt.toISOString(),
      endsAt: alert.endsAt?.toISOString() ?? null,
      ...('enrichment' in alert ? { enrichment: alert.enrichment, notes: alert.notes } : alert.notes ? { notes: alert.notes } : {}),
    })),
    actions: record.jobs.map((job) => ({
      action: job.action,
      state: job.state,
      alerts: job.fingerprints,
      attempts: job.attempts.map((a) => ({ ...a, at: new Date(a.at).toISOString() })),
      ...(job.state === 'pending' ? { nextAttemptAt: new Date(job.nextAttemptAt).toISOString() } : {}),
      ...(job.result ? { result: job.result } : {}),
    })),
  };
}
