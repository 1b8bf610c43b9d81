import type { DueStep, EscalationTimerStore, FireStep } from '../ports/escalation-timers.js';
import type { Incident } from '../ports/incidents.js';
import { stoppedAt } from '../incident-changes.js';
import type { QueueStore } from '../ports/queue.js';
import type { MemoryIncidents } from './memory-incidents.js';

/** The memory store's escalation timers: the episodes' next steps, fired into its own queue. */
export class MemoryEscalationTimers implements EscalationTimerStore {
  constructor(
    private readonly incidents: MemoryIncidents,
    private readonly queue: QueueStore,
  ) {}

  async claimDueSteps(now: number, limit: number, leaseMs: number): Promise<DueStep[]> {
    const due: DueStep[] = [];
    for (const entry of this.incidents.entries.values()) {
      if (due.length >= limit) break;
      const { incident } = entry;
      if (incident.state !== 'triggered' || incident.nextStepAt === undefined || incident.nextStepAt > now) continue;
      if (entry.claimedUntil > now) continue;
      entry.claimedUntil = now + leaseMs;
      due.push({ incident, notification: entry.notification });
    }
    return due;
  }

  async nextStepDueAt(): Promise<number | undefined> {
    let earliest: number | undefined;
    for (const { incident } of this.incidents.entries.values()) {
      if (incident.state !== 'triggered' || incident.nextStepAt === undefined) continue;
      earliest = Math.min(earliest ?? Infinity, incident.nextStepAt);
    }
    return earliest;
  }

  async fireStep(fire: FireStep): Promise<boolean> {
    const entry = this.incidents.entries.get(fire.incidentId);
    if (entry === undefined || entry.incident.state !== 'triggered' || entry.incident.nextStep !== fire.step) return false;
    const previous = entry.incident;
    const { nextStepAt: _due, ...rest } = entry.incident;
    entry.incident = {
      ...rest,
      nextStep: fire.step + 1,
      updatedAt: fire.run.at,
      runs: [...rest.runs, fire.run],
      ...(fire.nextStepAt === undefined ? {} : { nextStepAt: fire.nextStepAt }),
    };
    entry.claimedUntil = 0;
    // The queue's add decides at once (nothing else runs before it does): a full queue puts the step back.
    await this.queue.add(fire.notification).catch((error: unknown) => {
      entry.incident = previous;
      throw error;
    });
    return true;
  }

  async stopSteps(incidentId: string, step: number, now: number): Promise<Incident | undefined> {
    const entry = this.incidents.entries.get(incidentId);
    const stopped = entry === undefined ? undefined : stoppedAt(entry.incident, step, now);
    if (entry === undefined || stopped === undefined) return undefined;
    entry.incident = stopped;
    entry.claimedUntil = 0;
    return stopped;
  }
}
