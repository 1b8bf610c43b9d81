import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Action, ActionContext, ActionResult } from '../../../../src/integrations/action.js';
import { actionConfigSchema, createAction } from '../../../../src/integrations/registry.js';
import { MemoryStore } from '../../../../src/store/memory/memory-store.js';
import type { GraphData } from '../../../../src/charts/graph-data.js';
import { createLogger } from '../../../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../../../src/observability/metrics.js';
import type { EnrichedAlert, EnrichedNotification } from '../../../../src/model/model.js';
import { alertWith, enriched, notificationOf } from '../../../support/alerts.js';
import { startFakeSlackApi, type FakeSlackApi } from '../../../support/fake-slack-api.js';
import { createChartRenderer } from '../../../../src/charts/render-chart-png.js';

const logger = createLogger({ level: 'error', format: 'json' });
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const GROUP_KEY = '{}:{alertname="KubePodMemoryHigh"}';

let slack: FakeSlackApi;
let metrics: Metrics;
beforeEach(async () => {
  slack = await startFakeSlackApi();
  metrics = createMetrics();
});
afterEach(async () => {
  await slack.close();
});

function appAction(): Action {
  const config = actionConfigSchema.parse({ type: 'slack', bot_token: slack.token, channel: '#alerts', api_url: slack.url });
  return createAction('oncall', config, { logger, metrics, charts: createChartRenderer() });
}

const context = (refs: MemoryStore): ActionContext => ({ logger, signal: new AbortController().signal, attempt: 1, messageRefs: refs });

/** What the `graph` enricher keeps for a pod: an hour of CPU and memory against request and limit. */
function graphOf(pod: string): GraphData {
  const end = 1_795_000_000;
  const points = (base: number): [number, number][] =>
    Array.from({ length: 61 }, (_, i) => [end - 3600 + i * 60, base * (1 + 0.3 * Math.sin(i / 6))]);
  return {
    subject: `shop/${pod}`,
    start: end - 3600,
    end,
    panels: [
      { title: 'CPU', unit: 'cores', points: points(0.4), request: 0.25, limit: 1 },
      { title: 'Memory', unit: 'bytes', points: points(300 * 2 ** 20), request: 256 * 2 ** 20, limit: 512 * 2 ** 20 },
    ],
  };
}

let sequence = 0;
/** A group of pods; those named in `withGraph` carry graph data as the enricher stores it. */
function group(pods: Record<string, 'firing' | 'resolved'>, withGraph: readonly string[]): EnrichedNotification {
  sequence += 1;
  const base = enriched(
    notificationOf(
      Object.entries(pods).map(([pod, status]) => alertWith({ alertname: 'KubePodMemoryHigh', namespace: 'shop', pod }, status)),
      `g-${sequence}`,
    ),
  );
  const alerts = base.alerts.map((alert): EnrichedAlert => {
    const pod = alert.labels.pod as string;
    if (!withGraph.includes(pod)) return alert;
    return {
      ...alert,
      enrichment: {
        graph: { fields: [], data: { url: `/api/notifications/${base.id}/graphs/${alert.fingerprint}.png`, graph: graphOf(pod) } },
      },
    };
  });
  return { ...base, alerts, groupKey: GROUP_KEY, receivedAt: new Date(Date.UTC(2026, 10, 22, 12, sequence)) };
}

const uploads = async (): Promise<string> => (await metrics.registry.getSingleMetricAsString('alertpipe_slack_graph_uploads_total')) ?? '';

describe('slack app graphs', () => {
  it('attaches the first three graphs of a firing group to the message thread as PNGs, once per episode', async () => {
    const action = appAction();
    const refs = new MemoryStore({ maxPending: 10, historyLimit: 10 });
    const pods = { 'cart-1': 'firing', 'cart-2': 'firing', 'cart-3': 'firing', 'cart-4': 'firing', 'cart-5': 'firing' } as const;
    const first = group(pods, ['cart-1', 'cart-3', 'cart-4', 'cart-5']);
    const result = (await action.handle(first, context(refs))) as ActionResult;
    expect(result.detail).toBe('posted the message of 5 alerts; 3 graphs attached');

    const [message, ...others] = slack.topLevel();
    expect(others).toEqual([]);
    expect(slack.files.map((f) => f.title)).toEqual(['shop/cart-1: last hour', 'shop/cart-3: last hour', 'shop/cart-4: last hour']);
    for (const file of slack.files) {
      expect(file.channel).toBe('C0ALERTS1');
      expect(file.threadTs).toBe(message!.ts);
      expect(file.filename).toMatch(/^[0-9a-f]+\.png$/);
      expect(file.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(file.bytes.length).toBeGreaterThan(5_000);
      expect(file.bytes.length).toBeLessThan(5 * 2 ** 20);
    }
    // The length promised to getUploadURLExternal is the length sent.
    expect(slack.calls('files.getUploadURLExternal').map((c) => Number(c.length))).toEqual(slack.files.map((f) => f.bytes.length));

    // A retry of the same notification, a repeat, a resolve: the message is edited, no picture is sent again.
    await action.handle(first, context(refs));
    await action.handle(group(pods, ['cart-1', 'cart-3', 'cart-4', 'cart-5']), context(refs));
    const resolved = Object.fromEntries(Object.keys(pods).map((pod) => [pod, 'resolved'])) as Record<string, 'resolved'>;
    await action.handle(group(resolved, ['cart-1']), context(refs));
    expect(slack.calls('files.getUploadURLExternal')).toHaveLength(3);
    expect(slack.files).toHaveLength(3);
    expect(slack.topLevel()).toHaveLength(1);
    expect(await uploads()).toContain('alertpipe_slack_graph_uploads_total{outcome="uploaded"} 3');

    // The next episode starts a new message, with its own graph.
    await action.handle(group({ 'cart-1': 'firing' }, ['cart-1']), context(refs));
    expect(slack.topLevel()).toHaveLength(2);
    expect(slack.files.at(-1)!.threadTs).toBe(slack.topLevel()[1]!.ts);
  });

  it('posts the message and succeeds when the upload fails, and says so in the job and the metric', async () => {
    const action = appAction();
    const refs = new MemoryStore({ maxPending: 10, historyLimit: 10 });
    slack.failNext('files.completeUploadExternal', 'missing_scope');
    slack.failNext('files.getUploadURLExternal', 'internal_error');
    const result = (await action.handle(
      group({ 'cart-1': 'firing', 'cart-2': 'firing', 'cart-3': 'firing' }, ['cart-1', 'cart-2', 'cart-3']),
      context(refs),
    )) as ActionResult;

    expect(result.detail).toBe('posted the message of 3 alerts; 1 graph attached, 2 failed');
    expect(slack.topLevel()).toHaveLength(1);
    expect(slack.files).toHaveLength(1);
    const text = await uploads();
    expect(text).toContain('alertpipe_slack_graph_uploads_total{outcome="failed"} 2');
    expect(text).toContain('alertpipe_slack_graph_uploads_total{outcome="uploaded"} 1');
  });

  it('uploads nothing for a group whose alerts carry no graph', async () => {
    const action = appAction();
    const result = (await action.handle(
      group({ 'cart-1': 'firing' }, []),
      context(new MemoryStore({ maxPending: 10, historyLimit: 10 })),
    )) as ActionResult;
    expect(result.detail).toBe('posted the message of 1 alert');
    expect(slack.calls('files.getUploadURLExternal')).toHaveLength(0);
  });
});
