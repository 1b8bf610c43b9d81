import type { TestService } from './test-service.js';

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
