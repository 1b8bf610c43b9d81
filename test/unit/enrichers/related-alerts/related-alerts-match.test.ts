import { describe, expect, it } from 'vitest';
import { describeCounts, relatedTo, type OtherAlert } from '../../../../src/enrichers/related-alerts/related-alerts-match.js';
import { alertWith } from '../../../support/alerts.js';

const other = (labels: Record<string, string>, held: Partial<Pick<OtherAlert, 'silenced' | 'inhibited'>> = {}): OtherAlert => ({
  labels,
  silenced: held.silenced ?? false,
  inhibited: held.inhibited ?? false,
});
// kube-state-metrics' address: every alert derived from its series carries it as `instance`.
const KSM = '10.1.2.3:8080';
const placement = new Map([
  ['shop/cart-1', ['node-1', '10.0.0.11']],
  ['shop/cart-2', ['node-1', '10.0.0.11']],
  ['shop/search-1', ['node-2', '10.0.0.12']],
]);

describe('related alerts', () => {
  const alert = alertWith({
    alertname: 'KubePodCrashLooping',
    namespace: 'shop',
    pod: 'cart-1',
    container: 'cart',
    instance: KSM,
    cluster: 'prod',
  });

  it('counts each other alert once, under the closest scope it shares: pod, then node, then namespace', () => {
    const related = relatedTo(
      alert,
      [
        other({ alertname: 'KubeContainerOOMKilled', namespace: 'shop', pod: 'cart-1', instance: KSM }),
        other(
          { alertname: 'KubeContainerOOMKilled', namespace: 'shop', pod: 'cart-1', container: 'proxy', instance: KSM },
          { silenced: true },
        ),
        other({ alertname: 'NodeMemoryPressure', node: 'node-1' }),
        other({ alertname: 'NodeFilesystemFull', instance: '10.0.0.11:9100' }, { inhibited: true }),
        // A neighbour on the same node is "on the node", though it shares the namespace too.
        other({ alertname: 'PodMemoryHigh', namespace: 'shop', pod: 'cart-2', instance: KSM }),
        other({ alertname: 'PodMemoryHigh', namespace: 'shop', pod: 'search-1', instance: KSM }),
        other({ alertname: 'NodeMemoryPressure', node: 'node-2' }),
        other({ alertname: 'PodMemoryHigh', namespace: 'batch', pod: 'x', instance: KSM }),
      ],
      placement,
    );
    expect(related.pod).toEqual([{ alertname: 'KubeContainerOOMKilled', count: 2, silenced: 1, inhibited: 0 }]);
    expect(related.node.map((r) => [r.alertname, r.count, r.inhibited])).toEqual([
      ['NodeFilesystemFull', 1, 1],
      ['NodeMemoryPressure', 1, 0],
      ['PodMemoryHigh', 1, 0],
    ]);
    expect(related.namespace).toEqual([{ alertname: 'PodMemoryHigh', count: 1, silenced: 0, inhibited: 0 }]);
  });

  it('leaves the alert itself out, whether it comes with fewer labels (Prometheus) or its fingerprint (Alertmanager)', () => {
    const { cluster: _external, ...asPrometheusHasIt } = alert.labels;
    const related = relatedTo(
      alert,
      [other(asPrometheusHasIt), { ...other({ ...alert.labels, replica: 'b' }), fingerprint: alert.fingerprint }],
      placement,
    );
    expect(related).toEqual({ pod: [], node: [], namespace: [] });
  });

  it("does not take a pod alert's instance (the exporter scraped) for its node", () => {
    const related = relatedTo(alert, [other({ alertname: 'TargetDown', instance: KSM })], placement);
    expect(related.node).toEqual([]);
  });

  it('lists names most frequent first with what holds them back, and folds the rest', () => {
    const counts = [
      { alertname: 'A', count: 3, silenced: 1, inhibited: 2 },
      { alertname: 'B', count: 1, silenced: 0, inhibited: 0 },
      { alertname: 'C', count: 1, silenced: 0, inhibited: 0 },
    ];
    expect(describeCounts(counts, 2)).toBe('A ×3 (1 silenced, 2 inhibited), B, and 1 more');
  });
});
