import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { buildActions } from '../../src/app/build-pipeline.js';
import { buildIncidentHooks } from '../../src/app/build-incident-hooks.js';
import { createChartRenderer } from '../../src/charts/render-chart-png.js';
import { parseConfigText } from '../../src/config/load-config.js';
import { createErrorMiddleware, notFoundHandler } from '../../src/http/error-middleware.js';
import { createIncidentHookRouter } from '../../src/http/incident-hooks/incident-hook-routes.js';
import type { Action } from '../../src/integrations/action.js';
import type { IncidentCommand, IncidentControl, IncidentRef } from '../../src/integrations/incident-control.js';
import type { Notification } from '../../src/model/model.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { IncidentChange } from '../../src/store/ports/incidents.js';
import type { Actor } from '../../src/store/ports/records.js';

export interface ControlCall {
  readonly ref: IncidentRef;
  readonly command: IncidentCommand;
  readonly by: Actor;
}

/**
 * The incident webhooks of the actions of `yaml`, served on 127.0.0.1 as the app serves them
 * (the same router, target lookup and error answers), over a real memory store. The
 * IncidentControl is the test's own: it records each call and moves the episode in the store,
 * as the real one does, so that a second acknowledgement is a conflict.
 */
export async function startIncidentHookHarness(yaml: string, env: NodeJS.ProcessEnv = {}) {
  const config = parseConfigText(yaml, 'test config', env);
  const logger = createSilentLogger();
  const actions: Map<string, Action> = buildActions(config, logger, { charts: createChartRenderer() });
  const store = new MemoryStore({ maxPending: 100, historyLimit: 100 });
  const calls: ControlCall[] = [];
  let failing = false;
  const control: IncidentControl = {
    async command(ref, command, by) {
      calls.push({ ref, command, by });
      if (failing) throw new Error('store unavailable');
      const incident =
        'id' in ref
          ? await store.getIncident(ref.id)
          : (await store.listIncidents({ states: ['triggered', 'acknowledged'], groupKey: ref.groupKey, limit: 1 }))[0];
      if (incident === undefined) return { done: false, reason: 'not found' };
      const change: IncidentChange =
        command === 'acknowledge'
          ? { to: 'acknowledged', by }
          : command === 'unacknowledge'
            ? { to: 'triggered', by, nextStepAt: Date.now() + 60_000 }
            : { to: 'resolved', by };
      const result = await store.changeIncident(incident.id, change, Date.now());
      if (result.changed) return { done: true, incident: result.incident };
      if (result.reason === 'not found') return { done: false, reason: 'not found' };
      return { done: false, reason: 'conflict', incident: result.incident, message: `the episode is ${result.incident.state}` };
    },
  };
  const shutdown = new AbortController();
  const hooks = buildIncidentHooks({ actions, store, control, logger, shutdownSignal: shutdown.signal });
  const app = express();
  app.use(createIncidentHookRouter(() => hooks));
  app.use(notFoundHandler);
  app.use(createErrorMiddleware(logger, createMetrics()));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    store,
    actions,
    calls,
    /** The control throws from now on, as a store that cannot be written does. */
    failControl(on: boolean): void {
      failing = on;
    },
    /** Stores the notification (as ingest does) and opens its group's episode under escalation. */
    async openEpisode(notification: Notification): Promise<string> {
      await store.add(notification);
      const now = Date.now();
      const opened = await store.openIncident({
        id: `inc-${notification.id}`,
        groupKey: notification.groupKey,
        policy: 'page-critical',
        notification,
        firstStepAt: now + 60_000,
        now,
      });
      return opened.incident.id;
    },
    async post(path: string, body: string, headers: Record<string, string> = {}) {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    async close(): Promise<void> {
      shutdown.abort();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
