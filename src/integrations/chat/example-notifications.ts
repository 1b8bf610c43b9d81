import type { EnrichedAlert, EnrichedNotification } from '../../model/model.js';

/**
 * Notifications that `check-config` renders every template against: an Alertmanager group of two
 * crash-looping pods (one enriched, one with a note, one of them resolved inside a firing group),
 * and the same group resolved. They carry the labels and annotations templates commonly read.
 */
const common = { alertname: 'KubePodCrashLooping', namespace: 'shop', severity: 'critical' };
const startsAt = new Date('2026-11-22T12:04:34Z');

function alert(pod: string, container: string, fingerprint: string, overrides: Partial<EnrichedAlert> = {}): EnrichedAlert {
  return {
    fingerprint,
    status: 'firing',
    labels: { ...common, pod, container },
    annotations: {
      summary: 'Pod is crash looping.',
      description: `Pod shop/${pod} is restarting 3 times / 10 minutes.`,
      runbook_url: 'https://runbooks.example/KubePodCrashLooping',
    },
    startsAt,
    endsAt: null,
    generatorURL: 'http://prometheus.example:9090/graph?g0.expr=increase%28kube_pod_container_status_restarts_total%5B10m%5D%29+%3E+2',
    enrichment: {},
    notes: [],
    ...overrides,
  };
}

const cpu = { label: 'CPU', value: '0.42 cores · 84% of limit 0.5 cores · request 0.25 cores · ▁▁▂▂▃▃▅▅▆▇' };
const memory = { label: 'Memory', value: '412 MiB · 81% of limit 512 MiB · request 256 MiB · ▃▃▃▄▄▅▆▆▇█' };

function group(alerts: EnrichedAlert[], status: 'firing' | 'resolved'): EnrichedNotification {
  return {
    id: `example-${status}`,
    receivedAt: new Date('2026-11-22T12:10:00Z'),
    shape: 'alertmanager',
    receiver: 'alertpipe',
    status,
    groupKey: '{}/{severity="critical"}:{alertname="KubePodCrashLooping", namespace="shop"}',
    groupLabels: { alertname: 'KubePodCrashLooping', namespace: 'shop' },
    commonLabels: common,
    commonAnnotations: { summary: 'Pod is crash looping.', runbook_url: 'https://runbooks.example/KubePodCrashLooping' },
    externalURL: 'http://alertmanager.example:9093',
    truncatedAlerts: 0,
    alerts,
    originalBody: '{}',
  };
}

const endsAt = new Date('2026-11-22T12:30:00Z');

export const EXAMPLE_NOTIFICATIONS: readonly EnrichedNotification[] = [
  group(
    [
      alert('cart-7d9f8b6c5-x2x9z', 'cart', '5fab0dffa4d7754b', {
        enrichment: { 'pod-resources': { fields: [cpu, memory], data: { cpu: { usedCores: 0.42 } } } },
      }),
      alert('checkout-5c6d7e8f9-abcde', 'checkout', '771f81db41980164', {
        status: 'resolved',
        endsAt,
        notes: ['pod-resources: no cAdvisor metrics for shop/checkout-5c6d7e8f9-abcde in Prometheus (the pod is gone, or not scraped)'],
      }),
    ],
    'firing',
  ),
  group([alert('cart-7d9f8b6c5-x2x9z', 'cart', '5fab0dffa4d7754b', { status: 'resolved', endsAt })], 'resolved'),
];
