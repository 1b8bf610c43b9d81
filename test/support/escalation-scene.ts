import { expect } from 'vitest';
import type { TestService } from './test-service.js';
import { until } from './until.js';

/** An Alertmanager webhook body of one alert named `alertname`, its own group, firing or resolved. */
export function groupBody(alertname: string, status: 'firing' | 'resolved', labels: Record<string, string> = {}): object {
  return {
    version: '4',
    groupKey: `{}:{alertname="${alertname}"}`,
    status,
    receiver: 'alertpipe',
    groupLabels: { alertname },
    commonLabels: { alertname, severity: 'critical', ...labels },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: [
      {
        status,
        labels: { alertname, severity: 'critical', ...labels },
        annotations: { summary: `${alertname} is down` },
        startsAt: '2026-11-22T12:00:00Z',
        endsAt: status === 'resolved' ? '2026-11-22T12:30:00Z' : '0001-01-01T00:00:00Z',
        generatorURL: '',
      },
    ],
  };
}

export function groupKeyOf(alertname: string): string {
  return `{}:{alertname="${alertname}"}`;
}

/** The escalation steps the service ran, as its log says: incident, step, round, how late. */
export function stepsRun(
  app: Pick<TestService, 'logs'>,
  incident?: string,
): Array<{ incident: string; step: number; round: number; lateMs: number }> {
  return app.logs
    .filter((line) => line.message === 'escalation step run' && (incident === undefined || line.incident === incident))
    .map((line) => ({ incident: String(line.incident), step: Number(line.step), round: Number(line.round), lateMs: Number(line.lateMs) }));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Posts `alertname`'s group firing and waits for its episode to begin (its id); with `firstStep`,
 * also for the episode's first step to have run.
 */
export async function begin(
  app: Pick<TestService, 'post' | 'logs' | 'service'>,
  alertname: string,
  options: { firstStep?: boolean } = {},
): Promise<string> {
  expect((await app.post('/alert', groupBody(alertname, 'firing'))).status).toBe(200);
  let id = '';
  await until(
    async () => {
      const [open] = await app.service.store.listIncidents({ states: ['triggered'], groupKey: groupKeyOf(alertname), limit: 1 });
      id = open?.id ?? '';
      return id !== '' && (!options.firstStep || stepsRun(app, id).length === 1);
    },
    5_000,
    options.firstStep ? `the first step of ${alertname}` : `an episode of ${alertname}`,
  );
  return id;
}

/**
 * A scene's config: its actions, its escalation policies (each a list of step lines), its routes,
 * any other sections as they are, and the memory queue.
 */
export function sceneYaml(scene: {
  readonly actions: readonly string[];
  readonly escalations: Readonly<Record<string, { readonly steps: readonly string[]; readonly repeat?: number }>>;
  readonly routes: readonly string[];
  readonly more?: readonly string[];
}): string {
  return [
    'actions:',
    ...scene.actions.map((line) => `  ${line}`),
    'escalations:',
    ...Object.entries(scene.escalations).flatMap(([name, policy]) => [
      `  ${name}:`,
      ...(policy.repeat === undefined ? [] : [`    repeat: ${policy.repeat}`]),
      '    steps:',
      ...policy.steps.map((step) => `      - ${step}`),
    ]),
    ...(scene.more ?? []),
    'routes:',
    ...scene.routes.map((route) => `  - ${route}`),
    'delivery: { queue: memory }',
  ].join('\n');
}
