import { describe, expect, it } from 'vitest';
import type { Enricher } from '../../../src/enrichers/enricher.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { enrichNotification } from '../../../src/pipeline/enrich-chain.js';
import { alertWith, notificationOf } from '../../support/alerts.js';

const pod = alertWith({ alertname: 'A', namespace: 'shop', pod: 'cart-1' });
const node = alertWith({ alertname: 'B', instance: 'n1:9100' });
const deps = () => ({ prometheus: undefined, logger: createSilentLogger(), metrics: createMetrics({ defaultMetrics: false }) });

const podEnricher = (enrich: Enricher['enrich']): Enricher => ({
  name: 'pods',
  appliesTo: (alert) => alert.labels.pod !== undefined,
  enrich,
});

describe('enrichNotification', () => {
  it('puts each result on its alert under the enricher name, in config order', async () => {
    const first: Enricher = {
      name: 'first',
      enrich: async (alerts) => new Map(alerts.map((a) => [a.fingerprint, { fields: [{ label: 'x', value: '1' }] }])),
    };
    const second: Enricher = {
      name: 'second',
      enrich: async (alerts) => Object.fromEntries(alerts.map((a) => [a.fingerprint, { fields: [] }])),
    };
    const result = await enrichNotification(
      notificationOf([pod]),
      [
        { enricher: first, timeoutMs: 500 },
        { enricher: second, timeoutMs: 500 },
      ],
      deps(),
    );
    expect(Object.keys(result.alerts[0]!.enrichment)).toEqual(['first', 'second']);
    expect(result.alerts[0]!.enrichment.first!.fields).toEqual([{ label: 'x', value: '1' }]);
  });

  it('keeps the notes ingest put on an alert, before those of the enrichers', async () => {
    const cut = { ...pod, notes: ['label "query" cut from 5000 to 4096 characters'] };
    const failing = podEnricher(async () => {
      throw new Error('Prometheus unreachable');
    });
    const result = await enrichNotification(notificationOf([cut]), [{ enricher: failing, timeoutMs: 500 }], deps());
    expect(result.alerts[0]!.notes).toEqual(['label "query" cut from 5000 to 4096 characters', 'pods: Prometheus unreachable']);
  });

  it('asks an enricher only about the alerts it applies to', async () => {
    const seen: string[] = [];
    const enricher = podEnricher(async (alerts) => {
      seen.push(...alerts.map((a) => a.fingerprint));
      return {};
    });
    await enrichNotification(notificationOf([pod, node]), [{ enricher, timeoutMs: 500 }], deps());
    expect(seen).toEqual([pod.fingerprint]);
  });

  it('turns a failure into a note on the alerts concerned, and goes on', async () => {
    const failing = podEnricher(async () => {
      throw new Error('Prometheus unreachable: ECONNREFUSED');
    });
    const result = await enrichNotification(notificationOf([pod, node]), [{ enricher: failing, timeoutMs: 500 }], deps());
    expect(result.alerts[0]!.notes).toEqual(['pods: Prometheus unreachable: ECONNREFUSED']);
    expect(result.alerts[1]!.notes).toEqual([]);
  });

  it('stops waiting at the deadline, aborts the enricher, and notes the timeout', async () => {
    let aborted = false;
    // Never resolves: the chain can only finish by giving up on it.
    const hanging = podEnricher(
      (_alerts, ctx) =>
        new Promise(() => {
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
          });
        }),
    );
    const result = await enrichNotification(notificationOf([pod]), [{ enricher: hanging, timeoutMs: 100 }], deps());
    expect(aborted).toBe(true);
    expect(result.alerts[0]!.notes[0]).toBe('pods: no answer within 100 ms');
  });

  it('counts failures and timeouts in the metrics', async () => {
    const d = deps();
    const failing = podEnricher(async () => {
      throw new Error('boom');
    });
    await enrichNotification(notificationOf([pod]), [{ enricher: failing, timeoutMs: 100 }], d);
    const text = await d.metrics.registry.metrics();
    expect(text).toContain('alertpipe_enrichment_errors_total{enricher="pods",reason="error"} 1');
  });
});
