import { Router, type RequestHandler } from 'express';
import type { Action } from '../../integrations/action.js';
import { previewDeliveries } from '../../pipeline/preview-deliveries.js';
import type { DeliveryStore } from '../../store/ports/delivery-store.js';
import { viewFor } from '../../pipeline/run-job.js';
import { decodeCursor, encodeCursor } from '../history/history-cursor.js';
import { NotFoundError, ValidationError } from '../http-errors.js';
import { couldBeStoredId, refuseNul } from '../store-text.js';
import { normalize } from '../ingest/normalize.js';
import { parseJsonBody } from '../parse-json.js';
import { readBody } from '../read-body.js';
import { maskDeep, type SecretMasker } from '../../observability/mask-secrets.js';
import type { EnrichedNotification } from '../../model/model.js';
import type { Route } from '../../pipeline/router.js';
import { alertTimeline } from './alert-timeline.js';
import { alertVerdicts } from './alert-verdicts.js';
import { crossSiteGuard } from '../cross-site-guard.js';
import { unenriched } from '../../model/unenriched.js';

export interface ConsoleApiDeps {
  readonly store: DeliveryStore;
  readonly mask: SecretMasker;
  readonly auth: RequestHandler;
  /** The routes and actions in force now (a config reload swaps them). */
  readonly routing: () => { readonly routes: readonly Route[]; readonly actions: ReadonlyMap<string, Action> };
  readonly bodyLimit: number;
  /** A retried job is due now: wake delivery rather than wait for its next look. */
  readonly onRetry?: () => void;
}

const TIMELINE_NOTIFICATIONS = 100;
const TIMELINE_BYTES = 8 * 1024 * 1024;

/**
 * The console's API beyond the history: one alert's timeline, the retry of a dead letter, the
 * messages a notification's jobs send, and the route tester. Usable on its own, like the history.
 */
export function createConsoleApiRouter(deps: ConsoleApiDeps): Router {
  const { store, mask, auth } = deps;
  const router = Router();

  router.get('/api/alerts/:fingerprint/timeline', auth, async (req, res) => {
    const fingerprint = String(req.params.fingerprint);
    refuseNul(fingerprint, 'fingerprint');
    const cursor = typeof req.query.cursor === 'string' && req.query.cursor !== '' ? decodeCursor(req.query.cursor) : undefined;
    const page = await store.listNotifications({
      limit: TIMELINE_NOTIFICATIONS,
      maxBytes: TIMELINE_BYTES,
      filter: { fingerprint },
      ...(cursor === undefined ? {} : { before: cursor }),
    });
    const position = page.resumeBefore ?? page.records.at(-1)?.position;
    const nextCursor = page.more && position !== undefined ? encodeCursor(position) : null;
    const latest = page.records[0]?.notification.alerts.find((a) => a.fingerprint === fingerprint);
    res.json(
      maskDeep(
        {
          status: 'success',
          fingerprint,
          labels: latest?.labels ?? null,
          verdicts: alertVerdicts([...page.records].reverse(), fingerprint),
          timeline: alertTimeline([...page.records].reverse(), fingerprint),
          nextCursor,
        },
        mask,
      ),
    );
  });

  router.post('/api/jobs/:id/retry', auth, crossSiteGuard, async (req, res) => {
    const id = String(req.params.id);
    const result = couldBeStoredId(id) ? await store.retryJob(id, Date.now()) : undefined;
    if (result === undefined || (!result.retried && result.reason === 'not found'))
      throw new NotFoundError(`no job with id ${id} (it may have aged out of the history)`);
    if (!result.retried)
      throw new ValidationError(`job ${id} is not dead-lettered or failed; only those can be retried`, [
        { path: 'id', message: 'not dead' },
      ]);
    deps.onRetry?.();
    res.json({ status: 'success', job: { id: result.job.id, action: result.job.action, state: result.job.state } });
  });

  router.get('/api/notifications/:id/messages', auth, async (req, res) => {
    const id = String(req.params.id);
    const record = couldBeStoredId(id) ? await store.getNotification(id) : undefined;
    if (record === undefined) throw new NotFoundError(`no notification with id ${id}`);
    const notification = unenriched(record.notification);
    const { actions } = deps.routing();
    const messages = record.jobs.map((job) => {
      const preview = actions.get(job.action)?.preview?.(viewFor(notification, job.fingerprints));
      return {
        job: job.id,
        action: job.action,
        // Each attempt's message as it went out (for the actions that tell it), oldest first.
        sent: job.attempts.flatMap((attempt, index) =>
          attempt.message
            ? [{ attempt: index + 1, at: new Date(attempt.at).toISOString(), outcome: attempt.outcome, ...attempt.message }]
            : [],
        ),
        preview: preview ? { contentType: preview.contentType, body: preview.body, problems: preview.problems } : null,
      };
    });
    res.json(
      maskDeep({ status: 'success', preview: 'rendered again from the stored notification with the current config', messages }, mask),
    );
  });

  router.post('/api/route-test', auth, crossSiteGuard, async (req, res) => {
    const body = parseJsonBody(await readBody(req, deps.bodyLimit)) as { payload?: unknown; notification?: unknown } | null;
    let notification: EnrichedNotification;
    if (typeof body?.notification === 'string') {
      const record = couldBeStoredId(body.notification) ? await store.getNotification(body.notification) : undefined;
      if (record === undefined) throw new NotFoundError(`no notification with id ${body.notification}`);
      notification = unenriched(record.notification);
    } else if (body !== null && typeof body === 'object' && 'payload' in body) {
      notification = unenriched(normalize(body.payload));
    } else {
      throw new ValidationError('send {"payload": <an alert payload>} or {"notification": "<id>"}', [
        { path: '', message: 'neither payload nor notification' },
      ]);
    }
    const { routes, actions } = deps.routing();
    const preview = previewDeliveries(notification, routes, actions);
    const alerts = notification.alerts.map((a) => ({ fingerprint: a.fingerprint, status: a.status, labels: a.labels }));
    res.json(maskDeep({ status: 'success', sent: false, alerts, ...preview }, mask));
  });
  return router;
}
