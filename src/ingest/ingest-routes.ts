import { Router, type RequestHandler } from 'express';
import type { AcceptNotification } from './accept-notification.js';
import { readBody } from './read-body.js';

/** Where alerts come in: our own path, am-executor's `/`, and the Alertmanager API Prometheus pushes to. */
export const INGEST_PATHS = ['/alert', '/', '/api/v2/alerts'] as const;

export function createIngestRouter(accept: AcceptNotification, bodyLimit: number, auth: RequestHandler): Router {
  const router = Router();
  for (const path of INGEST_PATHS) {
    router.post(path, auth, async (req, res) => {
      const accepted = await accept(await readBody(req, bodyLimit), path);
      res.status(200).json({ status: 'success', id: accepted.id, alerts: accepted.alerts });
    });
  }
  return router;
}
