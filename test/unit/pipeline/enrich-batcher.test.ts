import { describe, expect, it } from 'vitest';
import type { Enricher, EnrichRequest } from '../../../src/enrichers/enricher.js';
import { perAlertEnricher } from '../../../src/enrichers/per-alert-enricher.js';
import type { Notification } from '../../../src/model/model.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { createEnrichBatcher } from '../../../src/pipeline/enrich-batcher.js';
import { enrichNotification, type EnrichChainDeps, type EnricherStep } from '../../../src/pipeline/enrich-chain.js';
import { alertWith, notificationOf } from '../../support/alerts.js';

const logger = createSilentLogger();

function depsWith(
  options: { windowMs?: number; minIntervalMs?: number; maxAlerts?: number; maxNotifications?: number } = {},
): EnrichChainDeps {
  return {
    prometheus: undefined,
    logger,
    metrics: createMetrics({ defaultMetrics: false }),
    batcher: createEnrichBatcher({
      windowMs: options.windowMs ?? 5,
      minIntervalMs: options.minIntervalMs ?? 0,
      maxAlerts: options.maxAlerts ?? 1000,
      maxNotifications: options.maxNotifications ?? 1000,
      logger,
    }),
  };
}

/** Groups of `size` pods each, every alert its own pod. */
function groups(count: number, size = 1): Notification[] {
  return Array.from({ length: count }, (_, g) =>
    notificationOf(
      Array.from({ length: size }, (_, i) => alertWith({ alertname: 'PodDown', namespace: 'shop', pod: `p-${g}-${i}` })),
      `n-${g}`,
    ),
  );
}

/** A batch enricher that says which pod each alert is, and in which notification. */
function podEnricher(name: string): Enricher {
  return perAlertEnricher({
    name,
    async fetch(alerts) {
      return new Set(alerts.map((a) => a.labels.pod));
    },
    describe: (alert, pods, notification) =>
      pods.has(alert.labels.pod) ? { fields: [{ label: 'Pod', value: `${alert.labels.pod} in ${notification.id}` }] } : undefined,
  });
}

/** The enricher, with each batch's notification ids written down. */
function recorded(enricher: Enricher, calls: string[][]): Enricher {
  const batch = enricher.enrichBatch!.bind(enricher);
  return {
    ...enricher,
    enrichBatch(requests: readonly EnrichRequest[], ctx) {
      calls.push(requests.map((r) => r.notification.id));
      return batch(requests, ctx);
    },
  };
}

const enrichAll = (notifications: readonly Notification[], steps: readonly EnricherStep[], deps: EnrichChainDeps) =>
  Promise.all(notifications.map((n) => enrichNotification(n, steps, deps)));

describe('enrichment batches', () => {
  it('asks a batch enricher once for the notifications planned within the window, and again for those after it', async () => {
    const calls: string[][] = [];
    const steps = [{ enricher: recorded(podEnricher('pods'), calls), timeoutMs: 1000 }];
    const deps = depsWith({ windowMs: 20 });
    const first = enrichAll(groups(10), steps, deps);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const joined = enrichNotification(
      notificationOf([alertWith({ alertname: 'PodDown', namespace: 'shop', pod: 'late' })], 'n-late'),
      steps,
      deps,
    );
    const results = await first;
    await joined;
    expect(calls).toEqual([[...groups(10).map((n) => n.id), 'n-late']]);
    expect(results[3]!.alerts[0]!.enrichment.pods!.fields).toEqual([{ label: 'Pod', value: 'p-3-0 in n-3' }]);
    await enrichAll(groups(2), steps, deps);
    expect(calls).toHaveLength(2);
  });

  it('sends a full round when the next notification arrives, never between the enrichers of one notification', async () => {
    const podCalls: string[][] = [];
    const graphCalls: string[][] = [];
    const steps = [
      { enricher: recorded(podEnricher('pods'), podCalls), timeoutMs: 1000 },
      { enricher: recorded(podEnricher('graph'), graphCalls), timeoutMs: 1000 },
    ];
    // Three alerts a notification, six a round: two notifications a round.
    await enrichAll(groups(5, 3), steps, depsWith({ maxAlerts: 6 }));
    expect(podCalls).toEqual([['n-0', 'n-1'], ['n-2', 'n-3'], ['n-4']]);
    expect(graphCalls).toEqual(podCalls);
  });

  it('sends a round of as many notifications as are planned at once without waiting for its window', async () => {
    const calls: string[][] = [];
    const steps = [{ enricher: recorded(podEnricher('pods'), calls), timeoutMs: 1000 }];
    const started = performance.now();
    await enrichAll(groups(8), steps, depsWith({ windowMs: 10_000, maxNotifications: 4 }));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(calls).toEqual([
      ['n-0', 'n-1', 'n-2', 'n-3'],
      ['n-4', 'n-5', 'n-6', 'n-7'],
    ]);
  });

  it('keeps rounds at least the interval apart, gathering what arrives meanwhile', async () => {
    const calls: string[][] = [];
    const sentAt: number[] = [];
    const enricher = recorded(podEnricher('pods'), calls);
    const timed: Enricher = {
      ...enricher,
      enrichBatch(requests, ctx) {
        sentAt.push(performance.now());
        return enricher.enrichBatch!(requests, ctx);
      },
    };
    const steps = [{ enricher: timed, timeoutMs: 5000 }];
    const deps = depsWith({ windowMs: 1, minIntervalMs: 200 });
    const notifications = groups(6);
    await enrichNotification(notifications[0]!, steps, deps);
    // Five more, 20 ms apart, all within the interval: one round.
    const rest: Promise<unknown>[] = [];
    for (const notification of notifications.slice(1)) {
      rest.push(enrichNotification(notification, steps, deps));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await Promise.all(rest);
    expect(calls).toEqual([['n-0'], ['n-1', 'n-2', 'n-3', 'n-4', 'n-5']]);
    expect(sentAt[1]! - sentAt[0]!).toBeGreaterThanOrEqual(190);
  });

  it('runs enrichers without enrichBatch once per notification, beside the batched ones', async () => {
    const calls: string[][] = [];
    let plain = 0;
    const steps: EnricherStep[] = [
      { enricher: recorded(podEnricher('pods'), calls), timeoutMs: 1000 },
      {
        enricher: {
          name: 'owner',
          async enrich(alerts) {
            plain++;
            return new Map(alerts.map((a) => [a.fingerprint, { fields: [{ label: 'Owner', value: 'shop' }] }]));
          },
        },
        timeoutMs: 1000,
      },
    ];
    const results = await enrichAll(groups(6), steps, depsWith());
    expect(calls).toHaveLength(1);
    expect(plain).toBe(6);
    expect(results.every((n) => Object.keys(n.alerts[0]!.enrichment).join() === 'pods,owner')).toBe(true);
  });

  it('degrades every member with a note when the batch fails, and the next round is asked afresh', async () => {
    let fail = true;
    const flaky: Enricher = {
      name: 'pods',
      enrich: async () => new Map(),
      async enrichBatch(requests) {
        if (fail) throw new Error('Prometheus unreachable: ECONNREFUSED');
        return requests.map((r) => new Map(r.alerts.map((a) => [a.fingerprint, { fields: [{ label: 'ok', value: 'yes' }] }])));
      },
    };
    const steps = [{ enricher: flaky, timeoutMs: 1000 }];
    const deps = depsWith();
    const failed = await enrichAll(groups(4, 2), steps, deps);
    expect(failed.flatMap((n) => n.alerts.map((a) => a.notes))).toEqual(Array(8).fill(['pods: Prometheus unreachable: ECONNREFUSED']));
    fail = false;
    const fine = await enrichAll(groups(4, 2), steps, deps);
    expect(fine.flatMap((n) => n.alerts.map((a) => a.enrichment.pods?.fields[0]?.value))).toEqual(Array(8).fill('yes'));
  });

  it('fails the batch, not the service, when an enricher answers a wrong number of results', async () => {
    const short: Enricher = { name: 'pods', enrich: async () => new Map(), enrichBatch: async () => [new Map()] };
    const results = await enrichAll(groups(3), [{ enricher: short, timeoutMs: 1000 }], depsWith());
    expect(results.map((n) => n.alerts[0]!.notes)).toEqual(Array(3).fill(['pods: enrichBatch answered 1 results for 3 notifications']));
  });

  it('gives each member its timeout note when the batch hangs, and aborts what the batch left running', async () => {
    let batchSignal: AbortSignal | undefined;
    const hanging: Enricher = {
      name: 'pods',
      enrich: async () => new Map(),
      enrichBatch: (_requests, ctx) => {
        batchSignal = ctx.signal;
        return new Promise(() => {});
      },
    };
    const started = Date.now();
    const results = await enrichAll(groups(3), [{ enricher: hanging, timeoutMs: 100 }], depsWith());
    expect(Date.now() - started).toBeLessThan(2000);
    expect(results.map((n) => n.alerts[0]!.notes)).toEqual(Array(3).fill(['pods: no answer within 100 ms']));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(batchSignal?.aborted).toBe(true);
  });
});
