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
      // Written directly: res.json() goes through res.send, which sets charset, length and
      // freshness headers one by one; under load it showed in the profile of the path to the 2xx.
      const body = `{"status":"success","id":${JSON.stringify(accepted.id)},"alerts":${accepted.alerts}}`;
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
  }
  return router;
}
