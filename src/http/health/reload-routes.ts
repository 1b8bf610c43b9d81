import { Router, type RequestHandler } from 'express';
import type { ConfigProblem } from '../../lib/config-error.js';

/** What a reload answered: done (with what waits for a restart), or the old config kept and why. */
export type ReloadAnswer =
  | { readonly ok: true; readonly restartNeeded: readonly string[] }
  | { readonly ok: false; readonly error: string; readonly problems: readonly ConfigProblem[] };

/**
 * `POST /-/reload`, as Alertmanager and Prometheus have it, behind the same credentials as ingest:
 * 200 once the new config is in force, 500 with the problems when the previous one was kept. The
 * answer waits for the reload, so a deploy script knows which happened.
 */
export function createReloadRouter(reload: () => Promise<ReloadAnswer>, auth: RequestHandler): Router {
  const router = Router();
  router.post('/-/reload', auth, async (_req, res) => {
    const outcome = await reload();
    if (outcome.ok) res.json({ status: 'success', restartNeeded: outcome.restartNeeded });
    else res.status(500).json({ status: 'error', error: outcome.error, problems: outcome.problems });
  });
  return router;
}
