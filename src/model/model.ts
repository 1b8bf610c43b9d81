import type { EscalationStep } from './escalation-step.js';

/**
 * The model every stage after `normalize` works on. Nothing past ingest sees raw JSON:
 * dates are parsed, every alert has a fingerprint and its own status.
 */

export type AlertStatus = 'firing' | 'resolved';

export type LabelSet = Readonly<Record<string, string>>;

export interface Alert {
  /** Alertmanager's fingerprint: the one sent, or computed from the labels when absent. */
  readonly fingerprint: string;
  /** The alert's own status; a firing group may carry resolved alerts. */
  readonly status: AlertStatus;
  readonly labels: LabelSet;
  readonly annotations: LabelSet;
  readonly startsAt: Date;
  /** `null` when the alert has not ended (Alertmanager sends `0001-01-01T00:00:00Z`). */
  readonly endsAt: Date | null;
  readonly generatorURL: string;
  /**
   * What ingest changed and why ("label query cut from 9000 to 4096 characters"); absent when
   * nothing was. Shown with the alert, before what the enrichers add.
   */
  readonly notes?: readonly string[];
}

/** Which input shape a notification arrived as. */
export type InputShape = 'alertmanager' | 'single-alert' | 'alert-array';

export interface Notification {
  /** Assigned at ingest; the key of the notification in the queue and the history. */
  readonly id: string;
  readonly receivedAt: Date;
  readonly shape: InputShape;
  readonly receiver: string;
  /** The group's status: `firing` while any alert fires. */
  readonly status: AlertStatus;
  /** Always a string: v3 sent a number larger than 2^53, which must not lose digits. */
  readonly groupKey: string;
  readonly groupLabels: LabelSet;
  readonly commonLabels: LabelSet;
  readonly commonAnnotations: LabelSet;
  readonly externalURL: string;
  readonly truncatedAlerts: number;
  readonly alerts: readonly Alert[];
  /**
   * The request body exactly as received, for actions that forward it unchanged (a parsed and
   * re-serialized copy would lose a v3 groupKey's digits and the sender's formatting).
   */
  readonly originalBody: string;
  /** Set on the notifications an escalation step makes: which step, who was paged, who is on call. */
  readonly escalation?: EscalationStep;
}

/** One line of context an enricher adds to an alert, shown as-is by chat actions. */
export interface EnrichmentField {
  readonly label: string;
  readonly value: string;
}

/** What one enricher found about one alert. */
export interface Enrichment {
  /** Human-readable lines, in display order. */
  readonly fields: readonly EnrichmentField[];
  /** Machine-readable values for webhooks, PagerDuty custom details and the history. */
  readonly data?: Readonly<Record<string, unknown>>;
  /** What the enricher could not find ("no cAdvisor metrics for shop/cart-1"); shown with the alert's notes. */
  readonly notes?: readonly string[];
  /** Pages it points to (a graph of the last hour); chat actions show them with the alert's own links. */
  readonly links?: readonly { readonly text: string; readonly url: string }[];
}

export interface EnrichedAlert extends Alert {
  /** Keyed by enricher name. */
  readonly enrichment: Readonly<Record<string, Enrichment>>;
  /** Why some context is missing ("Prometheus unreachable: ..."); shown with the alert. */
  readonly notes: readonly string[];
}

export interface EnrichedNotification extends Omit<Notification, 'alerts'> {
  readonly alerts: readonly EnrichedAlert[];
}
