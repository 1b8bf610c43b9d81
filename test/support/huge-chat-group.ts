import type { EnrichedNotification } from '../../src/model/model.js';
import { enrichedGroup } from './chat-platforms.js';

/** 300 alerts with long descriptions, many long fields and notes, 7 more truncated by Alertmanager. */
export function hugeChatGroup(): EnrichedNotification {
  const n = enrichedGroup();
  const fields = Array.from({ length: 40 }, (_, i) => ({ label: `Field ${i}`, value: 'v'.repeat(1500) }));
  const alerts = Array.from({ length: 300 }, (_, i) => ({
    ...n.alerts[0]!,
    fingerprint: String(i),
    labels: { ...n.alerts[0]!.labels, pod: `p-${i}-${'x'.repeat(300)}` },
    annotations: { summary: 's'.repeat(2000), description: 'd'.repeat(8000) },
    enrichment: { big: { fields } },
    notes: ['n'.repeat(3000)],
  }));
  return { ...n, alerts, truncatedAlerts: 7 };
}
