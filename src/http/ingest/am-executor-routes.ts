import { Router, type RequestHandler } from 'express';

// alertpipe's own endpoints: never taken by the catch-all, whatever the method, so a wrong method
// there still answers 404 instead of being read as an alert (the history and console APIs, the
// graphs, the console's page, Slack's clicks included).
const OWN_PATHS = new Set(['/alert', '/api/v2/alerts', '/healthz', '/readyz', '/metrics']);
const OWN_PREFIXES = ['/api', '/ui', '/slack'];

/**
 * prometheus-am-executor's other endpoints: `/_health` on any method, and, with `anyPath`
 * (`server.any_path`, on for an executor.yml or a command on the command line), every other path
 * and method as a notification, as its catch-all handler did (`POST /webhook` included). Mounted
 * after alertpipe's own routers.
 */
export function createAmExecutorRouter(ingest: RequestHandler, auth: RequestHandler, anyPath: boolean): Router {
  const router = Router();
  router.all('/_health', (_req, res) => {
    res.type('text/plain').send('alertpipe is running\n');
  });
  if (anyPath) {
    const notOwn: RequestHandler = (req, _res, next) => {
      const own = OWN_PATHS.has(req.path) || OWN_PREFIXES.some((prefix) => req.path === prefix || req.path.startsWith(`${prefix}/`));
      next(own ? 'router' : undefined);
    };
    router.use(notOwn, auth, ingest);
  }
  return router;
}
