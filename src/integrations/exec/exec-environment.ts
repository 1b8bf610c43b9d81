import type { EnrichedNotification } from '../../model/model.js';

/**
 * The environment prometheus-am-executor gives its commands, variable for variable, so scripts
 * written for it run unchanged: the group (`AMX_RECEIVER`, `AMX_STATUS`, `AMX_EXTERNAL_URL`,
 * `AMX_ALERT_LEN`, `AMX_LABEL_*` common labels, `AMX_GLABEL_*` group labels, `AMX_ANNOTATION_*`
 * common annotations) and each alert from 1 (`AMX_ALERT_<n>_STATUS`, `_START` and `_END` in epoch
 * seconds with `0` for "not ended", `_URL`, `_FINGERPRINT`, `_LABEL_*`, `_ANNOTATION_*`).
 * Alert data goes only here, never into arguments, and no shell ever reads it.
 */
export function amxEnvironment(notification: EnrichedNotification): Record<string, string> {
  const env: Record<string, string> = {
    AMX_RECEIVER: notification.receiver,
    AMX_STATUS: notification.status,
    AMX_EXTERNAL_URL: notification.externalURL,
    AMX_ALERT_LEN: String(notification.alerts.length),
  };
  const add = (prefix: string, map: Readonly<Record<string, string>>): void => {
    for (const [key, value] of Object.entries(map)) env[`${prefix}_${key}`] = value;
  };
  add('AMX_LABEL', notification.commonLabels);
  add('AMX_GLABEL', notification.groupLabels);
  add('AMX_ANNOTATION', notification.commonAnnotations);
  notification.alerts.forEach((alert, index) => {
    const key = `AMX_ALERT_${index + 1}`;
    env[`${key}_STATUS`] = alert.status;
    env[`${key}_START`] = epochSeconds(alert.startsAt);
    env[`${key}_END`] = epochSeconds(alert.endsAt);
    env[`${key}_URL`] = alert.generatorURL;
    env[`${key}_FINGERPRINT`] = alert.fingerprint;
    add(`${key}_LABEL`, alert.labels);
    add(`${key}_ANNOTATION`, alert.annotations);
  });
  return env;
}

function epochSeconds(date: Date | null): string {
  return date === null ? '0' : String(Math.floor(date.getTime() / 1000));
}
