import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Job, NotificationRecord } from '../../../../src/store/ports/records.js';
import { startFakeKubernetes, type FakeKubernetes } from '../../../support/fake-kubernetes.js';
import { startTestService, type TestService } from '../../../support/test-service.js';

const TOKEN = 'sa-token-0123456789';
let kube: FakeKubernetes;

beforeAll(async () => {
  kube = await startFakeKubernetes({ token: TOKEN, allowedNamespaces: ['shop', 'data', 'locked'] });
});
afterAll(() => kube.close());
beforeEach(() => {
  kube.workloads.clear();
  kube.requests.length = 0;
  kube.workloads.set('deployments/shop/cart', { replicas: 2, resourceVersion: 100 });
  kube.workloads.set('statefulsets/data/kafka', { replicas: 3, resourceVersion: 7 });
  kube.workloads.set('deployments/locked/api', { replicas: 2, resourceVersion: 1 });
});

const backlog = (status: 'firing' | 'resolved', labels: Record<string, string> = {}) => ({
  status,
  labels: { alertname: 'QueueBacklog', namespace: 'shop', deployment: 'cart', ...labels },
  annotations: { summary: 'Orders queue is backing up.' },
  startsAt: '2026-11-22T12:00:00Z',
  ...(status === 'resolved' ? { endsAt: '2026-11-22T12:20:00Z' } : {}),
});

function configWith(actions: Record<string, string>): string {
  return [
    'delivery:',
    '  dedup_window: 0',
    '  initial_backoff: 100ms',
    '  max_backoff: 200ms',
    'actions:',
    ...Object.entries(actions).map(([name, body]) => `  ${name}: { type: scale, api_url: "${kube.url}", token: ${TOKEN}, ${body} }`),
  ].join('\n');
}

const scaleJob = (record: NotificationRecord): Job => {
  const job = record.jobs.find((j) => j.action !== 'log');
  if (!job) throw new Error(`no scale job in ${JSON.stringify(record.jobs)}`);
  return job;
};

async function send(service: TestService, alerts: object[]): Promise<Job> {
  const { status, body } = await service.post('/alert', alerts);
  expect(status).toBe(200);
  return scaleJob(await service.untilDone(String(body.id)));
}

const patches = () => kube.requests.filter((r) => r.method === 'PATCH');

describe('scale action', () => {
  it('sets the replicas through the scale subresource with a merge patch, then restores them on resolve', async () => {
    const service = await startTestService(configWith({ scale: 'replicas: 5, max: 10, on_resolved: restore' }));
    try {
      const job = await send(service, [backlog('firing')]);
      expect(job.state).toBe('succeeded');
      expect(kube.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        'GET /apis/apps/v1/namespaces/shop/deployments/cart/scale',
        'PATCH /apis/apps/v1/namespaces/shop/deployments/cart/scale',
      ]);
      const [patch] = patches();
      expect(patch!.headers['content-type']).toBe('application/merge-patch+json');
      expect(JSON.parse(patch!.body)).toEqual({ metadata: { resourceVersion: '100' }, spec: { replicas: 5 } });
      expect(kube.workloads.get('deployments/shop/cart')!.replicas).toBe(5);
      expect(job.result).toMatchObject({ targets: [{ target: 'deployment shop/cart', outcome: 'scaled', from: 2, to: 5 }] });

      const resolved = await send(service, [backlog('resolved')]);
      expect(resolved.result).toMatchObject({ targets: [{ outcome: 'restored', from: 5, to: 2 }] });
      expect(kube.workloads.get('deployments/shop/cart')!.replicas).toBe(2);
    } finally {
      await service.stop();
    }
  });

  it('adds one (+1 unquoted keeps its sign), clamps to max, waits out the cooldown, and scales a group once', async () => {
    const service = await startTestService(
      configWith({ up: 'replicas: +1, max: 3, cooldown: 0', slow: 'replicas: +1, max: 10, cooldown: 1h' }).replace(
        'actions:',
        'routes:\n  - matchers: [\'team="fast"\']\n    actions: [up]\n  - actions: [slow]\nactions:',
      ),
    );
    try {
      // Two alerts of the same deployment in one group: one change.
      let job = await send(service, [
        backlog('firing', { team: 'fast', pod: 'cart-1' }),
        backlog('firing', { team: 'fast', pod: 'cart-2' }),
      ]);
      expect(patches()).toHaveLength(1);
      expect(kube.workloads.get('deployments/shop/cart')!.replicas).toBe(3);
      job = await send(service, [backlog('firing', { team: 'fast', pod: 'cart-3' })]);
      expect(job.result).toMatchObject({ targets: [{ outcome: 'unchanged', from: 3, to: 3 }] });
      expect(patches()).toHaveLength(1);

      kube.workloads.set('deployments/shop/cart', { replicas: 2, resourceVersion: 200 });
      await send(service, [backlog('firing', { pod: 'cart-4' })]);
      job = await send(service, [backlog('firing', { pod: 'cart-5' })]);
      expect(job.result).toMatchObject({ targets: [{ outcome: 'cooldown' }] });
      expect(kube.workloads.get('deployments/shop/cart')!.replicas).toBe(3);
    } finally {
      await service.stop();
    }
  });

  it('does not scale for a firing that arrives after its alert resolved (a retried notification)', async () => {
    const service = await startTestService(configWith({ scale: 'replicas: 5, max: 10, on_resolved: restore' }));
    try {
      await send(service, [backlog('resolved')]);
      const stale = await send(service, [backlog('firing')]);
      expect(stale.result).toMatchObject({ skippedResolved: 1, targets: [] });
      expect(patches()).toHaveLength(0);
      // The alert firing again, later, is acted on.
      const again = await send(service, [{ ...backlog('firing'), startsAt: '2026-11-22T13:00:00Z' }]);
      expect(again.result).toMatchObject({ targets: [{ outcome: 'scaled', from: 2, to: 5 }] });
    } finally {
      await service.stop();
    }
  });

  it('removes with -N down to min, on a fixed StatefulSet target', async () => {
    const service = await startTestService(
      configWith({ down: 'kind: statefulset, namespace: data, name: kafka, replicas: -2, min: 2, max: 5' }),
    );
    try {
      const job = await send(service, [backlog('firing')]);
      expect(job.result).toMatchObject({ targets: [{ target: 'statefulset data/kafka', outcome: 'scaled', from: 3, to: 2 }] });
      expect(patches()[0]!.url).toBe('/apis/apps/v1/namespaces/data/statefulsets/kafka/scale');
    } finally {
      await service.stop();
    }
  });

  it('reads again and succeeds when the object changed between read and patch (409)', async () => {
    const service = await startTestService(configWith({ scale: 'replicas: +2, max: 10' }));
    try {
      kube.conflictOnNextPatches(1);
      const job = await send(service, [backlog('firing')]);
      expect(job.state).toBe('succeeded');
      expect(job.attempts).toHaveLength(1);
      expect(kube.requests.map((r) => r.method)).toEqual(['GET', 'PATCH', 'GET', 'PATCH']);
      // The second patch is based on the second read.
      expect(JSON.parse(patches()[1]!.body)).toEqual({ metadata: { resourceVersion: '101' }, spec: { replicas: 4 } });
    } finally {
      await service.stop();
    }
  });

  it('changes nothing in dry-run mode and says what it would have done', async () => {
    const service = await startTestService(configWith({ scale: 'replicas: 6, max: 10, dry_run: true' }));
    try {
      const job = await send(service, [backlog('firing')]);
      expect(job.result).toMatchObject({ dryRun: true, targets: [{ outcome: 'dry-run', from: 2, to: 6 }] });
      expect(patches()).toHaveLength(0);
      await service.waitForLog((l) => l.message === 'scale: dry-run');
    } finally {
      await service.stop();
    }
  });

  it('fails without retrying on 404 and 403, with the API server message', async () => {
    const service = await startTestService(configWith({ scale: 'replicas: 3, max: 10' }));
    try {
      const missing = await send(service, [backlog('firing', { deployment: 'nope' })]);
      expect(missing.state).toBe('failed');
      expect(missing.attempts).toHaveLength(1);
      expect(missing.attempts[0]!.error).toBe(
        'Kubernetes refused GET deployment shop/nope/scale: 404 NotFound: deployments.apps "nope" not found',
      );
      const forbidden = await send(service, [backlog('firing', { namespace: 'kube-system', deployment: 'coredns' })]);
      expect(forbidden.state).toBe('failed');
      expect(forbidden.attempts[0]!.error).toContain(
        'is forbidden: User "system:serviceaccount:monitoring:alertpipe" cannot get resource "deployments/scale"',
      );
    } finally {
      await service.stop();
    }
  });

  it('refuses targets it cannot name safely: a missing label, a name that is not a Kubernetes name, a namespace not allowed', async () => {
    const service = await startTestService(configWith({ scale: 'replicas: 3, max: 10, allowed_namespaces: [shop, data]' }));
    try {
      const cases = [
        [{ deployment: '' }, 'no "deployment" label'],
        [{ deployment: '../../api/v1/secrets' }, '"../../api/v1/secrets" is not a deployment name'],
        [{ namespace: 'locked', deployment: 'api' }, 'namespace "locked" is not in allowed_namespaces'],
      ] as const;
      for (const [labels, problem] of cases) {
        const job = await send(service, [backlog('firing', labels)]);
        expect(job.state).toBe('failed');
        expect(job.attempts).toHaveLength(1);
        expect(job.attempts[0]!.error).toContain(problem);
      }
      expect(kube.requests).toHaveLength(0);
    } finally {
      await service.stop();
    }
  });

  it('fails without retrying when the token is refused (401), and keeps the token out of the log', async () => {
    const service = await startTestService(configWith({ scale: 'replicas: 3, max: 10' }).replace(`token: ${TOKEN}`, 'token: wrong-token'));
    try {
      const job = await send(service, [backlog('firing')]);
      expect(job.state).toBe('failed');
      expect(job.attempts[0]!.error).toBe('Kubernetes refused GET deployment shop/cart/scale: 401 Unauthorized: Unauthorized');
      expect(JSON.stringify(service.logs)).not.toContain('wrong-token');
    } finally {
      await service.stop();
    }
  });
});
