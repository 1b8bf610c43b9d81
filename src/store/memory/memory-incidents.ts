import type { Notification } from '../../model/model.js';
import type { Incident, IncidentChange, IncidentChangeResult, IncidentQuery, IncidentStore, OpenIncident } from '../ports/incidents.js';
import { applyIncidentChange, newIncident } from '../incident-changes.js';

/** An episode as the memory store keeps it: the record, the group's latest notification, and its claim. */
export interface IncidentEntry {
  incident: Incident;
  notification: Notification;
  claimedUntil: number;
}

// Episodes kept; past it the oldest ended ones are forgotten (open ones never are).
const MAX_INCIDENTS = 10_000;

/** The memory store's episodes, in the order they began (Map order). */
export class MemoryIncidents implements IncidentStore {
  readonly entries = new Map<string, IncidentEntry>();

  async openIncident(open: OpenIncident): Promise<{ incident: Incident; opened: boolean }> {
    for (const entry of this.entries.values()) {
      const { incident } = entry;
      if (incident.openedBy === open.notification.id) return { incident, opened: false };
      if (incident.groupKey === open.groupKey && incident.policy === open.policy && incident.state !== 'resolved') {
        entry.incident = { ...incident, notificationId: open.notification.id, updatedAt: open.now };
        entry.notification = open.notification;
        return { incident: entry.incident, opened: false };
      }
    }
    const incident = newIncident({ ...open, notificationId: open.notification.id });
    this.entries.set(incident.id, { incident, notification: open.notification, claimedUntil: 0 });
    this.forgetOldest();
    return { incident, opened: true };
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    return this.entries.get(id)?.incident;
  }

  async listIncidents(query: IncidentQuery): Promise<Incident[]> {
    const found: Incident[] = [];
    for (const { incident } of [...this.entries.values()].reverse()) {
      if (found.length >= query.limit) break;
      if (!query.states.includes(incident.state)) continue;
      if (query.groupKey !== undefined && incident.groupKey !== query.groupKey) continue;
      found.push(incident);
    }
    return found;
  }

  async changeIncident(id: string, change: IncidentChange, now: number): Promise<IncidentChangeResult> {
    const entry = this.entries.get(id);
    if (entry === undefined) return { changed: false, reason: 'not found' };
    const changed = applyIncidentChange(entry.incident, change, now);
    if (changed === undefined) return { changed: false, reason: 'conflict', incident: entry.incident };
    entry.incident = changed;
    return { changed: true, incident: changed };
  }

  private forgetOldest(): void {
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= MAX_INCIDENTS) return;
      if (entry.incident.state === 'resolved') this.entries.delete(id);
    }
  }
}
