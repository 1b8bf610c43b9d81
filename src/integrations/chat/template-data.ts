import type { EnrichedAlert, EnrichedNotification } from '../../model/model.js';
import { fieldsAsRecord } from './build-message.js';

/**
 * What a template sees: Alertmanager's webhook data (`status`, `receiver`, `groupLabels`,
 * `commonLabels`, `commonAnnotations`, `externalURL`, `alerts` with `alerts.firing` and
 * `alerts.resolved`), plus each alert's `enrichment` and `notes`. Dates are ISO 8601 text, as
 * Alertmanager sends them; `endsAt` is empty while an alert fires.
 */
export interface TemplateAlert {
  readonly status: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
  readonly fingerprint: string;
  /** By enricher: `{ fields: { CPU: '0.42 cores · …' }, data: {...} }`. */
  readonly enrichment: Readonly<
    Record<string, { readonly fields: Readonly<Record<string, string>>; readonly data: Readonly<Record<string, unknown>> }>
  >;
  readonly notes: readonly string[];
}

export type TemplateAlerts = TemplateAlert[] & { readonly firing: TemplateAlert[]; readonly resolved: TemplateAlert[] };

export interface TemplateData {
  readonly status: string;
  readonly receiver: string;
  readonly groupKey: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly commonLabels: Readonly<Record<string, string>>;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  readonly externalURL: string;
  readonly truncatedAlerts: number;
  readonly alerts: TemplateAlerts;
}

export function templateData(notification: EnrichedNotification): TemplateData {
  const all = notification.alerts.map(templateAlert);
  // Own properties of the array, so that Liquid (own properties only) reads `alerts.firing`.
  const alerts = Object.assign(all, {
    firing: all.filter((a) => a.status === 'firing'),
    resolved: all.filter((a) => a.status === 'resolved'),
  });
  return {
    status: notification.status,
    receiver: notification.receiver,
    groupKey: notification.groupKey,
    groupLabels: notification.groupLabels,
    commonLabels: notification.commonLabels,
    commonAnnotations: notification.commonAnnotations,
    externalURL: notification.externalURL,
    truncatedAlerts: notification.truncatedAlerts,
    alerts,
  };
}

export function templateAlert(alert: EnrichedAlert): TemplateAlert {
  return {
    status: alert.status,
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: alert.startsAt.toISOString(),
    endsAt: alert.endsAt ? alert.endsAt.toISOString() : '',
    generatorURL: alert.generatorURL,
    fingerprint: alert.fingerprint,
    enrichment: Object.fromEntries(
      Object.entries(alert.enrichment).map(([name, found]) => [name, { fields: fieldsAsRecord(found.fields), data: found.data ?? {} }]),
    ),
    notes: alert.notes,
  };
}
