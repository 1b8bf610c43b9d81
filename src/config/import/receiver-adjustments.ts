/**
 * The few fields of the older action types (Slack, PagerDuty, webhook) whose meaning differs from
 * Alertmanager's beyond a rename. Each adjustment edits the entry in place and says what it did.
 */
type Entry = Record<string, unknown>;
type Adjust = (entry: Entry, notes: string[]) => void;

const PAGERDUTY_SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);
const isLiteral = (value: unknown): value is string => typeof value === 'string' && !value.includes('{{');

const slack: Adjust = (entry, notes) => {
  const app = entry.app_token !== undefined || entry.app_token_file !== undefined;
  if (entry.app_url !== undefined) {
    // Alertmanager names the chat.postMessage method; alertpipe the Web API it belongs to.
    if (app && typeof entry.app_url === 'string') entry.api_url = entry.app_url.replace(/chat\.postMessage\/?$/, '');
    else notes.push('app_url: used by Slack app mode only (app_token); left out');
    delete entry.app_url;
  }
  if (!app && entry.channel !== undefined) {
    notes.push(
      'channel: an incoming webhook posts to the channel it was made for; alertpipe does not override it (Slack app mode, with app_token, takes channel)',
    );
    delete entry.channel;
  }
  if (entry.update_message !== undefined) {
    notes.push('update_message: Slack app mode always edits its message in place');
    delete entry.update_message;
  }
};

const pagerduty: Adjust = (entry, notes) => {
  if (entry.service_key !== undefined || entry.service_key_file !== undefined) {
    notes.push('service_key is an Events API v1 key; alertpipe sends Events API v2: give the key of an Events API v2 integration');
  }
  if (typeof entry.url === 'string' && entry.url.includes('/generic/2010-04-15/')) {
    notes.push('url: the Events API v1 endpoint; left out, so the Events API v2 default applies');
    delete entry.url;
  }
  if (entry.severity !== undefined) {
    if (isLiteral(entry.severity) && PAGERDUTY_SEVERITIES.has(entry.severity)) {
      entry.default_severity = entry.severity;
      notes.push("severity became default_severity: alertpipe maps each alert's own `severity` label first (severity_map)");
    } else {
      notes.push("severity: alertpipe maps each alert's `severity` label (severity_map, default_severity); the template is left out");
    }
    delete entry.severity;
  }
};

const webhook: Adjust = (entry, notes) => {
  if (entry.max_alerts !== undefined) {
    if (entry.max_alerts !== 0) notes.push(`max_alerts (${String(entry.max_alerts)}): alertpipe's webhook sends every alert routed to it`);
    delete entry.max_alerts;
  }
};

const ADJUSTMENTS: Readonly<Record<string, Adjust>> = { slack, pagerduty, webhook };

/** Applies the adjustments of the alertpipe type `type`, if it has any. */
export function adjustForType(type: string, entry: Entry, notes: string[]): void {
  ADJUSTMENTS[type]?.(entry, notes);
}
