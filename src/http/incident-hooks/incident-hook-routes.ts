import { Router, type Request } from 'express';
import type { IncidentControlResult } from '../../integrations/incident-control.js';
import type {
  IncidentWebhook,
  IncidentWebhookCommand,
  IncidentWebhookRequest,
  IncidentWebhookVerdict,
} from '../../integrations/incident-webhook.js';
import type { Logger } from '../../observability/logger.js';
import { ServiceUnavailableError, UnauthorizedError, ValidationError } from '../http-errors.js';
import { readBody } from '../read-body.js';

export interface IncidentHookDeps {
  /** Every configured action's webhook; none turns the paths off (404). */
  readonly hooks: readonly IncidentWebhook[];
  /** Finds the episode a command means and runs it through the one `IncidentControl`. */
  readonly run: (command: IncidentWebhookCommand) => Promise<IncidentControlResult>;
  /**
   * Claims a platform's event id in the store (shared by replicas) for `windowMs`: `first` is false
   * when it was claimed before. `giveUp` frees it again, for an event whose change was not kept.
   */
  readonly claimEvent: (eventId: string, windowMs: number) => Promise<{ readonly first: boolean; giveUp(): Promise<void> }>;
  readonly logger: Logger;
  readonly shutdownSignal: AbortSignal;
}

// PagerDuty's and Opsgenie's payloads are a few kilobytes; Telegram's updates smaller still.
const MAX_BODY_BYTES = 256 * 1024;

/**
 * The webhooks through which PagerDuty, Opsgenie and Telegram acknowledge, unacknowledge and
 * resolve episodes (each action's `incidentWebhook`). The raw body is read here, before anything
 * parses it, because signatures cover the bytes as sent. A request no configured action
 * authenticates is answered 401 and nothing is done; one authenticated but malformed, 400. An
 * event that names no episode of alertpipe's, or one already in the state asked (a redelivery,
 * or the echo of an acknowledgement alertpipe itself sent to PagerDuty), is answered 200 and
 * changes nothing: a 4xx would only make the platform retry or disable the webhook. An event the
 * platform names by id (PagerDuty) is acted on once: received again, 200 and nothing done, so a
 * captured delivery replayed later cannot move the episode again. When the store cannot take
 * the change, 503 (and the id is given up), so that the platform delivers the event again.
 */
export function createIncidentHookRouter(current: () => IncidentHookDeps): Router {
  const router = Router();
  router.post(/^\/(pagerduty|opsgenie|telegram)\/webhooks$/, async (req, res, next) => {
    // The actions in force now: a config reload may add or remove them.
    const deps = current();
    const hooks = deps.hooks.filter((hook) => hook.path === req.path);
    if (hooks.length === 0) return next();
    try {
      const request = await requestOf(req);
      const verdict = verdictOf(hooks, request);
      if (verdict.kind === 'unauthorized') {
        deps.logger.warn('incident webhook refused: not authenticated', { path: req.path });
        throw new UnauthorizedError(verdict.error);
      }
      if (verdict.kind === 'invalid') throw new ValidationError(verdict.error);
      // A store step that fails is a 503, so that the platform delivers the event again.
      const keep = async <T>(step: () => Promise<T>): Promise<T> => {
        try {
          return await step();
        } catch (error) {
          deps.logger.error('incident webhook: the change could not be kept', { path: req.path, reason: (error as Error).message });
          throw new ServiceUnavailableError('the change could not be kept; deliver the event again');
        }
      };
      const { replay } = verdict;
      const claim = replay === undefined ? undefined : await keep(() => deps.claimEvent(replay.eventId, replay.windowMs));
      if (claim?.first === false) {
        const ignored = 'this event was received before (a redelivery or a replay); handled once already';
        deps.logger.warn('incident webhook: event received again; ignored', { path: req.path, event: replay?.eventId });
        return res.status(200).json({ status: 'success', results: [], ignored });
      }
      const outcomes: IncidentControlResult[] = [];
      for (const command of verdict.commands) {
        try {
          outcomes.push(await keep(() => deps.run(command)));
        } catch (error) {
          // Not kept, so not claimed either: PagerDuty's redelivery must be acted on.
          await claim?.giveUp().catch(() => undefined);
          throw error;
        }
      }
      await verdict.after?.(outcomes, deps.shutdownSignal);
      const results = outcomes.map(describe);
      deps.logger.info('incident webhook', { path: req.path, results, ...(verdict.ignored ? { ignored: verdict.ignored } : {}) });
      res.status(200).json({ status: 'success', results, ...(verdict.ignored ? { ignored: verdict.ignored } : {}) });
    } catch (error) {
      next(error);
    }
  });
  return router;
}

/** The first hook that authenticates the request decides; when none does, unauthorized. */
function verdictOf(hooks: readonly IncidentWebhook[], request: IncidentWebhookRequest): IncidentWebhookVerdict {
  let refused: IncidentWebhookVerdict | undefined;
  for (const hook of hooks) {
    const verdict = hook.receive(request);
    if (verdict.kind !== 'unauthorized') return verdict;
    refused = verdict;
  }
  return refused ?? { kind: 'unauthorized', error: 'not authenticated' };
}

async function requestOf(req: Request): Promise<IncidentWebhookRequest> {
  const text = await readBody(req, MAX_BODY_BYTES);
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(',') : value;
  const query = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
  // readBody refused anything that is not UTF-8, so these are the bytes as sent.
  return { headers, query, rawBody: Buffer.from(text, 'utf8'), receivedAt: Date.now() };
}

function describe(outcome: IncidentControlResult): Record<string, string> {
  if (outcome.done) return { outcome: 'done', incident: outcome.incident.id, state: outcome.incident.state };
  if (outcome.reason === 'not found') return { outcome: 'ignored', reason: 'no episode of alertpipe matches' };
  return { outcome: 'ignored', reason: outcome.message, incident: outcome.incident.id, state: outcome.incident.state };
}
