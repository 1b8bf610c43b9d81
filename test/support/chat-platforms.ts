import { ActionError } from '../../src/integrations/action-error.js';
import type { Action } from '../../src/integrations/action.js';
import { createAction, type ActionConfig, actionConfigSchema } from '../../src/integrations/registry.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import type { EnrichedAlert, EnrichedNotification } from '../../src/model/model.js';
import { normalize } from '../../src/http/ingest/normalize.js';
import { parseJsonBody } from '../../src/http/parse-json.js';
import { fixtureText } from './fixtures.js';
import { createChartRenderer } from '../../src/charts/render-chart-png.js';
import type { GraphData } from '../../src/charts/graph-data.js';

/** A chat action of this type and config, as the registry builds it. */
export function chatAction(type: string, fields: Record<string, unknown>, name = type): Action {
  const config = actionConfigSchema.parse({ type, timeout: '2s', ...fields }) as ActionConfig;
  return createAction(name, config, { logger: createSilentLogger(), charts: createChartRenderer() });
}

export const attemptContext = () => ({ logger: createSilentLogger(), signal: new AbortController().signal, attempt: 1 });

/** The fixture's Alertmanager group with the pod enricher's fields on its first alert and a note on its second. */
export function enrichedGroup(): EnrichedNotification {
  const n = normalize(parseJsonBody(fixtureText('alertmanagerGroup')), { now: new Date('2026-11-22T12:10:00Z') });
  const fields = [
    { label: 'CPU', value: '0.42 cores · 84% of limit 0.5 cores · request 0.25 cores · ▁▂▃▅▇' },
    { label: 'Memory', value: '412 MiB · 81% of limit 512 MiB · request 256 MiB · ▂▃▅▇█' },
  ];
  return {
    ...n,
    alerts: n.alerts.map((a, i): EnrichedAlert =>
      i === 0
        ? { ...a, enrichment: { 'pod-resources': { fields } }, notes: [] }
        : { ...a, enrichment: {}, notes: ['pod-resources: no cAdvisor metrics for shop/checkout-5c6d7e8f9-abcde in Prometheus'] },
    ),
  };
}

/** The group with an hour of CPU against request and limit kept by the `graph` enricher on its first alert. */
export function withGraph(n: EnrichedNotification): EnrichedNotification {
  const end = 1_795_000_000;
  const points = (base: number): [number, number][] =>
    Array.from({ length: 61 }, (_, i) => [end - 3600 + i * 60, base * (1 + 0.3 * Math.sin(i / 6))]);
  const graph: GraphData = {
    subject: 'shop/cart',
    start: end - 3600,
    end,
    panels: [{ title: 'CPU', unit: 'cores', points: points(0.4), request: 0.25, limit: 1 }],
  };
  const [first, ...rest] = n.alerts;
  return { ...n, alerts: [{ ...first!, enrichment: { ...first!.enrichment, graph: { fields: [], data: { graph } } } }, ...rest] };
}

/** The ActionError an attempt ends with. */
export async function failureOf(action: Action, notification: EnrichedNotification): Promise<ActionError> {
  try {
    await action.handle(notification, attemptContext());
  } catch (error) {
    if (error instanceof ActionError) return error;
    throw error;
  }
  throw new Error('expected the attempt to fail');
}

/** The same group resolved, as Alertmanager sends it a few minutes later: every alert ended, received after the firing one. */
export function resolvedGroup(firing: EnrichedNotification = enrichedGroup()): EnrichedNotification {
  return {
    ...firing,
    id: `${firing.id}-resolved`,
    receivedAt: new Date(firing.receivedAt.getTime() + 300_000),
    status: 'resolved',
    alerts: firing.alerts.map((a) => ({ ...a, status: 'resolved' as const, endsAt: new Date('2026-11-22T12:14:00Z') })),
  };
}

/** The fixture's Alertmanager body resolved: what Alertmanager posts once the group's alerts end. */
export function resolvedGroupBody(): string {
  const body = JSON.parse(fixtureText('alertmanagerGroup')) as { status: string; alerts: Array<{ status: string; endsAt: string }> };
  return JSON.stringify({
    ...body,
    status: 'resolved',
    alerts: body.alerts.map((a) => ({ ...a, status: 'resolved', endsAt: '2026-11-22T12:14:00Z' })),
  });
}
