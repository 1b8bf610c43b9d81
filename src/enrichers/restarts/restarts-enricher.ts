import type { Alert, EnrichmentField } from '../../model/model.js';
import type { Enricher } from '../enricher.js';
import { perAlertEnricher } from '../per-alert-enricher.js';
import { formatPercent } from '../../lib/format-units.js';
import type { Sample } from '../../prometheus/prometheus-client.js';
import { anyOf } from '../../prometheus/promql-selector.js';
import { requirePrometheus } from '../require-prometheus.js';

export interface RestartsOptions {
  /** How far back restarts are counted. */
  readonly window: string;
  /** The `rate()` window for CPU throttling; at least four scrape intervals. */
  readonly rateWindow: string;
  /** Alerts whose name matches this get CPU throttling too. */
  /** Which alert names are about CPU (a regex's `test`). */
  readonly cpuAlerts: { test(alertname: string): boolean };
}

export const DEFAULT_RESTARTS_OPTIONS: RestartsOptions = { window: '1h', rateWindow: '5m', cpuAlerts: /cpu|throttl/i };

/** What one container has been through. */
interface ContainerHistory {
  container: string;
  restarts: number;
  lastReason?: string;
  lastExitCode?: number;
  throttled?: number;
}

const keyOf = (labels: Readonly<Record<string, string>>): string => `${labels.namespace ?? ''}/${labels.pod ?? ''}`;

/**
 * Restarts per container over the last hour and why each last ended (`OOMKilled`, `Error`, with
 * its exit code), from kube-state-metrics; for CPU alerts, the share of CFS periods throttled,
 * from cAdvisor. Two queries per notification, three when a CPU alert is among its alerts,
 * whatever the number of pods.
 */
export function createRestartsEnricher(options: Partial<RestartsOptions> = {}): Enricher {
  const { window, rateWindow, cpuAlerts } = { ...DEFAULT_RESTARTS_OPTIONS, ...options };
  const isCpuAlert = (alert: Alert): boolean => cpuAlerts.test(alert.labels.alertname ?? '');
  return perAlertEnricher({
    name: 'restarts',
    appliesTo: (alert) => Boolean(alert.labels.namespace && alert.labels.pod),
    async fetch(alerts, ctx) {
      const prometheus = requirePrometheus(ctx);
      const selector = `${anyOf(
        'namespace',
        alerts.map((a) => a.labels.namespace as string),
      )}, ${anyOf(
        'pod',
        alerts.map((a) => a.labels.pod as string),
      )}`;
      const containers = `container!="", container!="POD", ${selector}`;
      const { signal } = ctx;
      const throttledShare =
        `sum by (namespace, pod, container) (rate(container_cpu_cfs_throttled_periods_total{${containers}}[${rateWindow}]))` +
        ` / sum by (namespace, pod, container) (rate(container_cpu_cfs_periods_total{${containers}}[${rateWindow}]))`;
      const [restarts, terminations, throttling] = await Promise.all([
        // `increase` extrapolates to the window's edges; a restart count is a whole number.
        prometheus.query(
          `round(sum by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total{${selector}}[${window}])))`,
          signal,
        ),
        prometheus.query(
          `{__name__=~"kube_pod_container_status_last_terminated_reason|kube_pod_container_status_last_terminated_exitcode", ${selector}}`,
          signal,
        ),
        alerts.some(isCpuAlert) ? prometheus.query(throttledShare, signal) : Promise.resolve([]),
      ]);
      return { restarts, terminations, throttling };
    },
    describe(alert, { restarts, terminations, throttling }) {
      const history = historyOf(keyOf(alert.labels), restarts, terminations, isCpuAlert(alert) ? throttling : []);
      if (history.length === 0) {
        return { fields: [], notes: [`no kube-state-metrics restart counts for ${keyOf(alert.labels)} in Prometheus`] };
      }
      return { fields: fieldsOf(alert, history, window), data: { window, containers: history } };
    },
  });
}

function historyOf(
  pod: string,
  restarts: readonly Sample[],
  terminations: readonly Sample[],
  throttling: readonly Sample[],
): ContainerHistory[] {
  const byContainer = new Map<string, ContainerHistory>();
  const entry = (container: string): ContainerHistory => {
    let found = byContainer.get(container);
    if (found === undefined) byContainer.set(container, (found = { container, restarts: 0 }));
    return found;
  };
  const mine = (samples: readonly Sample[]): Sample[] => samples.filter((s) => keyOf(s.labels) === pod && Number.isFinite(s.value));
  for (const s of mine(restarts)) entry(s.labels.container ?? '').restarts = Math.max(0, s.value);
  for (const s of mine(terminations)) {
    const container = entry(s.labels.container ?? '');
    if (s.labels.__name__ === 'kube_pod_container_status_last_terminated_exitcode') container.lastExitCode = s.value;
    else if (s.value === 1 && s.labels.reason) container.lastReason = s.labels.reason;
  }
  for (const s of mine(throttling)) entry(s.labels.container ?? '').throttled = s.value;
  return [...byContainer.values()].sort((a, b) => a.container.localeCompare(b.container));
}

/** `cart 5 in the last 1h, last OOMKilled (exit 137) · proxy 0` */
function fieldsOf(alert: Alert, history: readonly ContainerHistory[], window: string): EnrichmentField[] {
  // The container the alert is about first; the others only if they restarted too.
  const own = alert.labels.container;
  const shown = history.filter((c) => c.container === own || c.restarts > 0 || c.lastReason !== undefined || history.length === 1);
  const fields: EnrichmentField[] = [];
  const restartLine = (shown.length > 0 ? shown : history)
    .map((c) => {
      const last =
        c.lastReason === undefined ? '' : `, last ${c.lastReason}${c.lastExitCode === undefined ? '' : ` (exit ${c.lastExitCode})`}`;
      return `${c.container} ${c.restarts} in the last ${window}${last}`;
    })
    .join(' · ');
  fields.push({ label: 'Restarts', value: restartLine });
  const throttled = history.filter((c) => c.throttled !== undefined);
  if (throttled.length > 0) {
    fields.push({
      label: 'CPU throttled',
      value: throttled.map((c) => `${c.container} ${formatPercent(c.throttled as number)} of periods`).join(' · '),
    });
  }
  return fields;
}
