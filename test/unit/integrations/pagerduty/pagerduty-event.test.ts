import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SEVERITY_MAP,
  dedupKeyOf,
  pagerDutyEvent,
  type PagerDutyEventOptions,
} from '../../../../src/integrations/pagerduty/pagerduty-event.js';
import type { EnrichedAlert } from '../../../../src/model/model.js';
import { alertWith, enriched, notificationOf } from '../../../support/alerts.js';

const options: PagerDutyEventOptions = {
  routingKey: 'R0UT1NGKEY0000000000000000000001',
  severityMap: DEFAULT_SEVERITY_MAP,
  severityLabel: 'severity',
  defaultSeverity: 'error',
  client: 'alertpipe',
};

function eventFor(
  labels: Record<string, string>,
  annotations: Record<string, string> = {},
  extra: Partial<PagerDutyEventOptions> = {},
  status: 'firing' | 'resolved' = 'firing',
) {
  const notification = enriched(notificationOf([alertWith(labels, status, annotations)]));
  return pagerDutyEvent(notification.alerts[0]!, notification, { ...options, ...extra });
}

describe('pagerDutyEvent', () => {
  const pod = { alertname: 'KubePodCrashLooping', namespace: 'shop', pod: 'cart-1', container: 'cart', severity: 'critical' };

  it('triggers with a dedup key from the fingerprint, the summary, and the alert where PagerDuty shows it', () => {
    const event = eventFor(pod, { summary: 'Pod is crash looping.', runbook_url: 'https://runbooks.example/crash' });
    expect(event).toMatchObject({
      routing_key: options.routingKey,
      event_action: 'trigger',
      dedup_key: `alertpipe-${alertWith(pod).fingerprint}`,
      payload: {
        summary: 'Pod is crash looping.',
        source: 'shop/cart-1',
        severity: 'critical',
        timestamp: '2026-11-22T12:00:00.000Z',
        component: 'cart',
        group: 'shop',
        class: 'KubePodCrashLooping',
        custom_details: { labels: pod, annotations: { summary: 'Pod is crash looping.' }, fingerprint: alertWith(pod).fingerprint },
      },
      client: 'alertpipe',
      client_url: 'http://alertmanager.example:9093',
    });
    expect(event.links?.map((l) => l.text)).toEqual(['Runbook', 'Silence']);
  });

  it('resolves with the same key and nothing else', () => {
    const resolved = eventFor(pod, {}, {}, 'resolved');
    expect(resolved).toEqual({ routing_key: options.routingKey, event_action: 'resolve', dedup_key: eventFor(pod).dedup_key });
  });

  it('keeps the dedup key stable, distinct per label set, and at most 255 characters', () => {
    expect(eventFor(pod).dedup_key).toBe(eventFor({ ...pod }).dedup_key);
    expect(eventFor({ ...pod, pod: 'cart-2' }).dedup_key).not.toBe(eventFor(pod).dedup_key);
    const alert = { ...alertWith(pod), fingerprint: 'f'.repeat(400), enrichment: {}, notes: [] } as EnrichedAlert;
    expect(dedupKeyOf(alert)).toHaveLength(255);
  });

  it('maps severities, case-insensitively, with a default for the rest and a configurable map', () => {
    const severity = (value: string | undefined, extra: Partial<PagerDutyEventOptions> = {}) =>
      eventFor(value === undefined ? { alertname: 'A' } : { alertname: 'A', severity: value }, {}, extra).payload?.severity;
    expect([severity('critical'), severity('Warning'), severity('info'), severity('page')]).toEqual([
      'critical',
      'warning',
      'info',
      'critical',
    ]);
    expect([severity('P1'), severity(undefined), severity('???', { defaultSeverity: 'warning' })]).toEqual(['error', 'error', 'warning']);
    expect(severity('P1', { severityMap: { ...DEFAULT_SEVERITY_MAP, p1: 'critical' } })).toBe('critical');
    expect(severity(undefined, { severityLabel: 'priority' })).toBe('error');
  });

  it('falls back to the alert name and where it fires, and cuts a summary to 1024 characters', () => {
    expect(eventFor({ alertname: 'InstanceDown', instance: 'node-1:9100' }).payload?.summary).toBe('InstanceDown on node-1:9100');
    expect(eventFor({ alertname: 'InstanceDown', instance: 'node-1:9100' }).payload?.source).toBe('node-1:9100');
    const long = eventFor(pod, { summary: 'x'.repeat(5000) }).payload!.summary;
    expect(long).toHaveLength(1024);
    expect(long.endsWith('…')).toBe(true);
  });

  it('takes source, component, group and class from label templates when configured', () => {
    const event = eventFor(
      pod,
      {},
      { source: '{{ $labels.namespace }}.{{pod}}', component: '{{ container }}-svc', group: 'team-{{ team }}', class: 'k8s' },
    );
    expect(event.payload).toMatchObject({ source: 'shop.cart-1', component: 'cart-svc', class: 'k8s' });
    // A template over a missing label falls back to the default rather than sending "team-".
    expect(event.payload?.group).toBe('shop');
  });

  it('puts the enrichment and the notes in custom_details', () => {
    const notification = enriched(notificationOf([alertWith(pod)]));
    const alert: EnrichedAlert = {
      ...notification.alerts[0]!,
      enrichment: { 'pod-resources': { fields: [{ label: 'CPU', value: '0.5 cores (50% of limit)' }], data: { cpuCores: 0.5 } } },
      notes: ['node-resources: Prometheus unreachable: ECONNREFUSED'],
    };
    const details = pagerDutyEvent(alert, notification, options).payload?.custom_details;
    expect(details?.enrichment).toEqual({ 'pod-resources': { CPU: '0.5 cores (50% of limit)', data: { cpuCores: 0.5 } } });
    expect(details?.notes).toEqual(['node-resources: Prometheus unreachable: ECONNREFUSED']);
  });
});
