import { Router, type RequestHandler } from 'express';
import type { IncidentCommand, IncidentControl } from '../../integrations/incident-control.js';
import type { IncidentStore } from '../../store/ports/incidents.js';
import { crossSiteGuard } from '../cross-site-guard.js';
import { HttpError, NotFoundError } from '../http-errors.js';
import { readBody } from '../read-body.js';
import { presentIncident, type IncidentJson } from './incident-json.js';
import { couldBeStoredId } from '../store-text.js';
import { actorOf, parseCommandBody, parseIncidentQuery } from './incident-requests.js';

/** The episode is not in a state the command leaves (acknowledging one acknowledged): a 409 with the episode as it is. */
export class IncidentConflictError extends HttpError {
  readonly statusCode = 409;
  override readonly fields: { readonly incident: IncidentJson };

  constructor(message: string, incident: IncidentJson) {
    super(message);
    this.fields = { incident };
  }
}

export interface IncidentRoutesDeps {
  /** Reading only: every change goes through `control`. */
  readonly incidents: Pick<IncidentStore, 'listIncidents' | 'getIncident'>;
  readonly control: IncidentControl;
  /** The history API's credentials. */
  readonly auth: RequestHandler;
  readonly bodyLimit: number;
}

const COMMANDS: readonly IncidentCommand[] = ['acknowledge', 'unacknowledge', 'resolve'];

/**
 * `GET /api/incidents?state=open|triggered|acknowledged|resolved|all`, `GET /api/incidents/{id}`, and
 * `POST /api/incidents/{id}/acknowledge|unacknowledge|resolve`: episodes under escalation, read
 * from the store and moved through `IncidentControl` alone, so that a change here stops or
 * restarts the chain and is recorded as a change from Slack is.
 */
export function createIncidentRouter(deps: IncidentRoutesDeps): Router {
  const { incidents, control, auth } = deps;
  const router = Router();

  router.get('/api/incidents', auth, async (req, res) => {
    const query = parseIncidentQuery(req.query);
    const found = await incidents.listIncidents(query);
    res.json({ status: 'success', incidents: found.map(presentIncident) });
  });

  router.get('/api/incidents/:id', auth, async (req, res) => {
    const id = String(req.params.id);
    const incident = couldBeStoredId(id) ? await incidents.getIncident(id) : undefined;
    if (incident === undefined) throw new NotFoundError(`no episode with id ${id}`);
    res.json({ status: 'success', incident: presentIncident(incident) });
  });

  for (const command of COMMANDS) {
    router.post(`/api/incidents/:id/${command}`, auth, crossSiteGuard, async (req, res) => {
      const id = String(req.params.id);
      const { by } = parseCommandBody(await readBody(req, deps.bodyLimit));
      if (!couldBeStoredId(id)) throw new NotFoundError(`no episode with id ${id}`);
      const result = await control.command({ id }, command, actorOf(req, by));
      if (result.done) return res.json({ status: 'success', incident: presentIncident(result.incident) });
      if (result.reason === 'not found') throw new NotFoundError(`no episode with id ${id}`);
      throw new IncidentConflictError(result.message, presentIncident(result.incident));
    });
  }
  return router;
}
