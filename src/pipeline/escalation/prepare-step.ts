import type { EscalationContact, EscalationStep } from '../../model/escalation-step.js';
import type { Notification } from '../../model/model.js';
import { chainLength, dueAfter, stepAt, type EscalationPolicy } from '../../oncall/escalation-policy.js';
import type { OnCallLookup } from '../../oncall/on-call.js';
import type { DueStep, FireStep } from '../../store/ports/escalation-timers.js';

/**
 * What a due step will do, ready for `fireStep`: a notification of the group's firing alerts that
 * carries the step (which one, who was paged before, who is on call now), planned by the queue as
 * any other, to the step's actions. Who is on call is asked now, at the moment the step runs; a
 * lookup that fails leaves a note in the message instead of a name. `undefined`: nothing to run
 * (the chain ran out, or no alert fires any more).
 */
export async function prepareStep(
  due: DueStep,
  policy: EscalationPolicy,
  lookup: OnCallLookup | undefined,
  now: number,
): Promise<FireStep | undefined> {
  const { incident, notification } = due;
  const position = incident.nextStep;
  const found = stepAt(policy, position);
  if (found === undefined) return undefined;
  const firing = notification.alerts.filter((alert) => alert.status === 'firing');
  if (firing.length === 0) return undefined;
  const { onCall, notes } = await whoToNotify(found.step.notify, lookup, now);
  const escalation: EscalationStep = {
    incident: incident.id,
    policy: policy.name,
    step: found.place,
    steps: policy.steps.length,
    round: found.round,
    rounds: policy.repeat + 1,
    actions: found.step.actions,
    pagedBefore: incident.runs.map((run) => ({
      step: (run.step % policy.steps.length) + 1,
      at: run.at,
      actions: run.actions,
      notified: run.notified,
    })),
    onCall,
    notes,
  };
  const stepNotification: Notification = {
    ...notification,
    // One id per (episode, step): a step fired twice would be queued once.
    id: `${incident.id}.${position + 1}`,
    receivedAt: new Date(now),
    status: 'firing',
    alerts: firing,
    escalation,
  };
  return {
    incidentId: incident.id,
    step: position,
    run: { step: position, at: now, actions: found.step.actions, notified: onCall.map((contact) => contact.name) },
    notification: stepNotification,
    nextStepAt: position + 1 < chainLength(policy) ? dueAfter(policy, position + 1, now) : undefined,
  };
}

async function whoToNotify(
  notify: EscalationPolicy['steps'][number]['notify'],
  lookup: OnCallLookup | undefined,
  at: number,
): Promise<{ onCall: EscalationContact[]; notes: string[] }> {
  if (notify === undefined) return { onCall: [], notes: [] };
  if ('people' in notify) return { onCall: notify.people.map((name) => ({ name })), notes: [] };
  const { schedule } = notify;
  if (lookup === undefined) return { onCall: [], notes: [`who is on call for ${schedule} is unknown: no schedules are configured`] };
  try {
    const shift = await lookup.onCallAt(schedule, new Date(at));
    if (shift === undefined) return { onCall: [], notes: [`nobody is on call for ${schedule} now`] };
    const { person } = shift;
    return {
      onCall: [
        {
          name: person.name,
          schedule,
          ...(person.slack ? { slack: person.slack } : {}),
          ...(shift.until ? { until: shift.until.getTime() } : {}),
        },
      ],
      notes: [],
    };
  } catch (error) {
    return {
      onCall: [],
      notes: [`who is on call for ${schedule} could not be found out: ${error instanceof Error ? error.message : String(error)}`],
    };
  }
}
