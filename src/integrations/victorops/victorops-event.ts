import { cut, type Message } from '../chat/message-model.js';
import { plainTextMessage } from '../chat/plain-text-message.js';

/** The incident fields glossary's limits: `state_message` at most 20,480 characters. */
export const VICTOROPS_LIMITS = { stateMessage: 20_480, entityDisplayName: 512 } as const;

/** What a firing group may ask for; anything else pages (CRITICAL), as in Alertmanager. */
const FIRING_TYPES = new Set(['INFO', 'WARNING', 'CRITICAL']);

/** Fields the REST endpoint reads for itself: `custom_fields` may not set them. */
export const VICTOROPS_RESERVED = [
  'routing_key',
  'message_type',
  'state_message',
  'entity_display_name',
  'monitoring_tool',
  'entity_id',
  'entity_state',
];

export interface VictorOpsFields {
  readonly messageType?: string;
  readonly entityDisplayName?: string;
  readonly stateMessage?: string;
  readonly monitoringTool?: string;
  readonly customFields: Readonly<Record<string, string>>;
}

/** The REST endpoint's body: one event for the group, all strings, as Alertmanager sends it. */
export type VictorOpsEvent = Readonly<Record<string, string>>;

/**
 * The group's event: CRITICAL (or the configured INFO or WARNING) while it fires, RECOVERY once it
 * resolves, on the group's `entity_id` so that the recovery resolves the incident the first event
 * opened; the message model's title as the display name and the whole message as plain text in
 * `state_message`; the enrichment fields also one field each, which the incident's alert details show.
 */
export function victorOpsEvent(message: Message, entityId: string, fields: VictorOpsFields, notes: readonly string[]): VictorOpsEvent {
  const requested = fields.messageType?.trim().toUpperCase() ?? 'CRITICAL';
  const messageType = message.state === 'resolved' ? 'RECOVERY' : FIRING_TYPES.has(requested) ? requested : 'CRITICAL';
  const withNotes = notes.length > 0 ? { ...message, notes: [...message.notes, ...notes] } : message;
  const stateMessage =
    fields.stateMessage === undefined
      ? plainTextMessage(withNotes, VICTOROPS_LIMITS.stateMessage)
      : cut([fields.stateMessage, ...notes.map((n) => `⚠ ${n}`)].join('\n'), VICTOROPS_LIMITS.stateMessage);
  const event: Record<string, string> = {};
  // Enrichment first, so that the configured custom fields and the fixed ones win over it.
  const single = message.alerts.length === 1;
  for (const alert of message.alerts) {
    const prefix = single ? '' : `${alert.labels.map(([, v]) => v).join(' ') || alert.name} `;
    for (const field of alert.fields) {
      const key = `${prefix}${field.label}`;
      if (!VICTOROPS_RESERVED.includes(key)) event[key] = `${field.value}${field.sparkline ? ` · ${field.sparkline}` : ''}`;
    }
  }
  Object.assign(event, fields.customFields);
  return {
    ...event,
    message_type: messageType,
    entity_id: entityId,
    entity_display_name: cut(fields.entityDisplayName?.trim() || message.title, VICTOROPS_LIMITS.entityDisplayName),
    state_message: stateMessage,
    monitoring_tool: fields.monitoringTool?.trim() || 'alertpipe',
  };
}

/** The documented limits, checked on a finished body (what `alertpipe render` reports). */
export function checkVictorOpsEvent(event: VictorOpsEvent): string[] {
  const length = event.state_message?.length ?? 0;
  return length > VICTOROPS_LIMITS.stateMessage
    ? [`state_message: ${length} characters (Splunk On-Call takes ${VICTOROPS_LIMITS.stateMessage})`]
    : [];
}
