import type { IRouter, RequestHandler } from 'express';
import type { AmExecutorMetrics } from '../../observability/am-executor-metrics.js';
import type { AcceptNotification } from './accept-notification.js';
import { HttpError } from '../http-errors.js';
import { readBody } from '../read-body.js';

/** Where alerts come in: our own path, am-executor's `/`, and the Alertmanager API Prometheus pushes to. */
export const INGEST_PATHS = ['/alert', '/', '/api/v2/alerts'] as const;

/**
 * Takes one notification and answers. `endpoint` names it in the metrics (a fixed word, never the
 * request's own path). Refusals are also counted in am-executor's `am_executor_errors_total`:
 * `read` for a body that could not be read in full, `unmarshal` for one that is not a notification.
 */
export function createIngestHandler(
  accept: AcceptNotification,
  bodyLimit: number,
  endpoint: string,
  amx: AmExecutorMetrics,
): RequestHandler {
  return async (req, res) => {
    let text: string;
    try {
      text = await readBody(req, bodyLimit);
    } catch (error) {
      amx.errors.inc({ stage: error instanceof HttpError && error.statusCode === 415 ? 'unmarshal' : 'read' });
      throw error;
    }
    let accepted;
    try {
      accepted = await accept(text, endpoint);
    } catch (error) {
      if (error instanceof HttpError && error.statusCode === 400) amx.errors.inc({ stage: 'unmarshal' });
      throw error;
    }
    // Written directly: res.json() goes through res.send, which sets charset, length and
    // freshness headers one by one; under load it showed in the profile of the path to the 2xx.
    const body = `{"status":"success","id":${JSON.stringify(accepted.id)},"alerts":${accepted.alerts}}`;
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
}

/**
 * Puts the ingest routes straight on `app` (the application itself, not a router mounted in it):
 * each request to a mounted router is matched twice, once for the mount and once inside, and
 * ingest is nearly all the traffic.
 */
export function addIngestRoutes(
  app: IRouter,
  accept: AcceptNotification,
  bodyLimit: number,
  auth: RequestHandler,
  amx: AmExecutorMetrics,
): void {
  for (const path of INGEST_PATHS) {
    const handler = createIngestHandler(accept, bodyLimit, path, amx);
    // `/` is am-executor's endpoint, which took any method: its README replays a payload with
    // `curl -X GET`. alertpipe's own paths keep POST.
    if (path === '/') app.all(path, auth, handler);
    else app.post(path, auth, handler);
  }
}
