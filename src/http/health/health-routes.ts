import { Router } from 'express';
import type { Metrics } from '../../observability/metrics.js';

/** What readiness depends on; each check says why it fails. */
export type ReadinessCheck = () => { ok: true } | { ok: false; reason: string };

/**
 * `/healthz`: the process answers (liveness; restarting it would not help anything else).
 * `/readyz`: config loaded and the queue open, so traffic may come.
 * `/metrics`: Prometheus text format.
 */
export function createHealthRouter(metrics: Metrics, checks: Readonly<Record<string, ReadinessCheck>>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    const failing: Record<string, string> = {};
    for (const [name, check] of Object.entries(checks)) {
      const result = check();
      if (!result.ok) failing[name] = result.reason;
    }
    const ready = Object.keys(failing).length === 0;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', ...(ready ? {} : { failing }) });
  });
  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  return router;
}
