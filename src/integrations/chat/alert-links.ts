import type { Alert } from '../../model/model.js';

export interface Link {
  readonly text: string;
  readonly url: string;
}

/**
 * The links an on-call engineer wants next to an alert: the expression that fired (generatorURL),
 * the runbook and dashboard annotations, and a silence prefilled with the alert's labels in the
 * Alertmanager that sent it. Shared by every action that shows links (Slack, PagerDuty).
 */
export function alertLinks(alert: Alert, externalURL: string): Link[] {
  const links: Link[] = [];
  if (isHttp(alert.generatorURL)) links.push({ text: 'Source', url: alert.generatorURL });
  const { runbook_url: runbook, dashboard_url: dashboard } = alert.annotations;
  if (runbook && isHttp(runbook)) links.push({ text: 'Runbook', url: runbook });
  if (dashboard && isHttp(dashboard)) links.push({ text: 'Dashboard', url: dashboard });
  if (isHttp(externalURL)) links.push({ text: 'Silence', url: silenceUrl(alert, externalURL) });
  return links;
}

/** Alertmanager's UI opens a new silence prefilled from `filter`: `{name="value",...}`. */
export function silenceUrl(alert: Alert, externalURL: string): string {
  const matchers = Object.keys(alert.labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(alert.labels[name])}`)
    .join(',');
  return `${externalURL.replace(/\/+$/, '')}/#/silences/new?filter=${encodeURIComponent(`{${matchers}}`)}`;
}

function isHttp(url: string): boolean {
  return /^https?:\/\/\S+$/i.test(url);
}
