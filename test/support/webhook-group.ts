/**
 * An Alertmanager v4 webhook body for one firing group named `alertname`, one alert per label set
 * (each joined by the `alertname` label), as Alertmanager posts it.
 */
export function firingGroup(
  alertname: string,
  labelSets: ReadonlyArray<Record<string, string>>,
  commonLabels: Record<string, string> = {},
): object {
  return {
    version: '4',
    groupKey: `{}:{alertname="${alertname}"}`,
    status: 'firing',
    receiver: 'alertpipe',
    groupLabels: { alertname },
    commonLabels: { alertname, ...commonLabels },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: labelSets.map((labels) => ({
      status: 'firing',
      labels: { alertname, ...labels },
      annotations: {},
      startsAt: '2026-11-22T12:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: '',
    })),
  };
}
