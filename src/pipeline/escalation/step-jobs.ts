import type { EscalationStep } from '../../model/escalation-step.js';
import type { Notification } from '../../model/model.js';
import type { HistoryEvent, NewJob } from '../../store/ports/records.js';
import type { PipelineContext } from '../pipeline.js';

/**
 * The jobs of an escalation step's notification: one per action of the step, each with every
 * firing alert of the group. No route is asked (the step names its actions) and no dedup applies:
 * the step's whole point is to say again, to someone else, what was said before; the store fires
 * each step of an episode once, so a copy cannot arise. An action no longer configured (a reload
 * removed it) is left out and said so.
 */
export function stepJobs(
  notification: Notification,
  step: EscalationStep,
  deps: Pick<PipelineContext, 'actions' | 'logger'>,
): { jobs: NewJob[]; events: HistoryEvent[] } {
  const fingerprints = notification.alerts.filter((alert) => alert.status === 'firing').map((alert) => alert.fingerprint);
  const missing = step.actions.filter((action) => !deps.actions.has(action));
  if (missing.length > 0) deps.logger.warn('escalation step names actions no longer configured; skipped', { missing });
  const jobs = step.actions.filter((action) => deps.actions.has(action)).map((action) => ({ action, fingerprints }));
  const event: HistoryEvent = {
    at: notification.receivedAt.getTime(),
    kind: 'escalation-step',
    fingerprints,
    incident: step.incident,
    step: step.step,
    policy: step.policy,
  };
  return { jobs, events: [event] };
}
