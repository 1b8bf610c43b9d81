import type { Alert } from '../../model/model.js';
import type { Enricher } from '../enricher.js';
import { perAlertEnricher } from '../per-alert-enricher.js';
import { storablePoints, type GraphData, type GraphPanel } from '../../charts/graph-data.js';
import { fetchNodeGraphs } from './node-graph-queries.js';
import { fetchPodUsage, podKey } from '../pod-resources/pod-usage-queries.js';
import type { PodUsage } from '../pod-resources/pod-usage.js';
import { DEFAULT_POD_RESOURCES_OPTIONS } from '../pod-resources/pod-resources-enricher.js';
import { requirePrometheus } from '../require-prometheus.js';

export interface GraphOptions {
  /** As `pod-resources`' options: keep them equal and the graph costs no query of its own. */
  readonly rateWindow: string;
  readonly historySeconds: number;
  readonly stepSeconds: number;
  /** alertpipe's address as the people reading the message reach it; links are relative without it. */
  readonly externalUrl?: string;
}

const isPodAlert = (alert: Alert): boolean => Boolean(alert.labels.namespace && alert.labels.pod);

/**
 * A graph of each alert's pod (or, for node alerts, its node) over the last hour against its
 * request and limit (the node's capacity), linked from the message. What it is drawn from is kept
 * with the alert; the PNG is drawn when the link is opened
 * (`GET /api/notifications/:id/graphs/:fingerprint.png`, the history API's credentials). For pods
 * it sends the very queries `pod-resources` sends, which the client answers once; node alerts
 * take three queries of their own.
 */
export function createGraphEnricher(options: Partial<GraphOptions> = {}): Enricher {
  const { rateWindow, historySeconds, stepSeconds } = { ...DEFAULT_POD_RESOURCES_OPTIONS, ...options };
  const base = (options.externalUrl ?? '').replace(/\/+$/, '');
  const queryOptions = { rateWindow, historySeconds, stepSeconds };
  return perAlertEnricher({
    name: 'graph',
    appliesTo: (alert) => isPodAlert(alert) || Boolean(alert.labels.instance || alert.labels.node),
    async fetch(alerts, ctx) {
      const prometheus = requirePrometheus(ctx);
      const pods = alerts.filter(isPodAlert);
      const nodes = alerts.filter((a) => !isPodAlert(a));
      const [podUsage, nodeGraph] = await Promise.all([
        pods.length > 0 ? fetchPodUsage(prometheus, pods, queryOptions, ctx.signal) : new Map<string, PodUsage>(),
        nodes.length > 0 ? fetchNodeGraphs(prometheus, nodes, queryOptions, ctx.signal) : () => undefined,
      ]);
      return { podUsage, nodeGraph, end: Math.floor(Date.now() / 1000) };
    },
    describe(alert, { podUsage, nodeGraph, end }, notification) {
      let subject: string;
      let panels: GraphPanel[];
      if (isPodAlert(alert)) {
        subject = podKey(alert.labels.namespace as string, alert.labels.pod as string);
        const usage = podUsage.get(subject);
        if (usage === undefined) return undefined;
        panels = [panelOf('CPU', 'cores', usage.cpu), panelOf('Memory', 'bytes', usage.memory)];
      } else {
        const found = nodeGraph(alert);
        if (found === undefined) return undefined;
        subject = `node ${found.instance}`;
        panels = found.panels;
      }
      const graph: GraphData = { subject, start: end - historySeconds, end, panels };
      const url = `${base}/api/notifications/${encodeURIComponent(notification.id)}/graphs/${encodeURIComponent(alert.fingerprint)}.png`;
      // Without an external URL a link would not open from a chat; the path still says where the graph is.
      const shown = base ? { fields: [], links: [{ text: 'Graph (last hour)', url }] } : { fields: [{ label: 'Graph', value: url }] };
      return { ...shown, data: { url, graph } };
    },
  });
}

function panelOf(title: string, unit: 'cores' | 'bytes', resource: PodUsage['cpu']): GraphPanel {
  return {
    title,
    unit,
    points: storablePoints(resource.timeline),
    ...(resource.request === undefined ? {} : { request: resource.request }),
    ...(resource.limit === undefined ? {} : { limit: resource.limit }),
  };
}
