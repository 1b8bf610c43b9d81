import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromKubeconfig, resolveKubernetesConnection } from '../../../../src/integrations/kubernetes/kubernetes-connection.js';
import { KubernetesScaleClient } from '../../../../src/integrations/kubernetes/kubernetes-scale-client.js';
import { canMakeCertificates, makeTestCertificate } from '../../../support/test-certificate.js';
import { startFakeKubernetes, type FakeKubernetes } from '../../../support/fake-kubernetes.js';

const TOKEN = 'in-cluster-token';
const target = { kind: 'deployment', namespace: 'shop', name: 'cart' } as const;

describe('resolveKubernetesConnection', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-kube-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prefers api_url, then KUBECONFIG, then the service account, then ~/.kube/config', () => {
    const kubeconfig = path.join(dir, 'config');
    writeFileSync(
      kubeconfig,
      'current-context: a\ncontexts: [{name: a, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: "https://10.0.0.1:6443/"}}]\nusers: [{name: u, user: {token: t}}]\n',
    );
    writeFileSync(path.join(dir, 'token'), 'sa\n');
    writeFileSync(path.join(dir, 'ca.crt'), 'ca');
    expect(resolveKubernetesConnection({ apiUrl: 'http://127.0.0.1:8001/' }, {}).server).toBe('http://127.0.0.1:8001');
    const inCluster = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443', HOME: dir };
    expect(resolveKubernetesConnection({}, { ...inCluster, KUBECONFIG: kubeconfig }, dir).server).toBe('https://10.0.0.1:6443');
    const sa = resolveKubernetesConnection({}, inCluster, dir);
    expect([sa.server, sa.token?.(), sa.origin]).toEqual(['https://10.96.0.1:443', 'sa', 'in-cluster service account']);
    expect(resolveKubernetesConnection({}, { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' }, dir).server).toBe(
      'https://[fd00::1]:443',
    );
    expect(() => resolveKubernetesConnection({}, { HOME: path.join(dir, 'nowhere') }, dir)).toThrow(/no Kubernetes API found/);
  });

  it('reads a kubeconfig as kubectl does: the named context, data or files relative to it, and refuses exec plugins', () => {
    writeFileSync(path.join(dir, 'ca.pem'), 'CA-FROM-FILE');
    const file = path.join(dir, 'multi');
    writeFileSync(
      file,
      [
        'current-context: dev',
        'contexts:',
        '  - {name: dev, context: {cluster: dev, user: dev}}',
        '  - {name: eks, context: {cluster: dev, user: eks}}',
        'clusters:',
        `  - {name: dev, cluster: {server: "https://dev:6443", certificate-authority: ca.pem}}`,
        'users:',
        `  - {name: dev, user: {client-certificate-data: ${Buffer.from('CERT').toString('base64')}, client-key-data: ${Buffer.from('KEY').toString('base64')}}}`,
        '  - {name: eks, user: {exec: {command: aws}}}',
      ].join('\n'),
    );
    const dev = fromKubeconfig(file);
    expect([dev.ca?.toString(), dev.cert?.toString(), dev.key?.toString(), dev.token]).toEqual(['CA-FROM-FILE', 'CERT', 'KEY', undefined]);
    expect(() => fromKubeconfig(file, 'eks')).toThrow(/exec or auth-provider plugin/);
    expect(() => fromKubeconfig(file, 'prod')).toThrow(/no context "prod"/);
  });
});

describe.skipIf(!canMakeCertificates)('in-cluster over TLS (needs openssl to make a test certificate)', () => {
  let dir: string;
  let kube: FakeKubernetes;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-sa-'));
    // The service account directory: token and ca.crt, as the kubelet mounts them.
    const { keyFile, certFile } = makeTestCertificate(dir);
    copyFileSync(certFile, path.join(dir, 'ca.crt'));
    writeFileSync(path.join(dir, 'token'), `${TOKEN}\n`);
    kube = await startFakeKubernetes({ token: TOKEN, tls: { key: readFileSync(keyFile), cert: readFileSync(certFile) } });
    kube.workloads.set('deployments/shop/cart', { replicas: 2, resourceVersion: 1 });
  });
  afterAll(async () => {
    await kube.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reaches the API server with the service account token and trusts only its CA', async () => {
    const env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(kube.standIn.port) };
    const client = new KubernetesScaleClient(resolveKubernetesConnection({}, env, dir), 2000);
    await expect(client.getScale(target, AbortSignal.timeout(5000))).resolves.toEqual({ replicas: 2, resourceVersion: '1' });
    await expect(client.patchScale(target, 4, '1', AbortSignal.timeout(5000))).resolves.toEqual({ replicas: 4, resourceVersion: '2' });

    // Without the CA the certificate is not trusted: a network error, retried later, never skipped.
    const untrusting = new KubernetesScaleClient({ server: kube.url, origin: 'test', token: () => TOKEN }, 2000);
    await expect(untrusting.getScale(target, AbortSignal.timeout(5000))).rejects.toMatchObject({
      retryable: true,
      message: expect.stringMatching(/unreachable: .*(SELF_SIGNED|CERT)/),
    });
  });

  it('answers 415 to a patch that is not a known patch type, as the API server does', async () => {
    // Guards the stand-in itself: a client sending plain JSON must fail here as it would for real.
    const { request } = await import('node:https');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${kube.url}/apis/apps/v1/namespaces/shop/deployments/cart/scale`,
        {
          method: 'PATCH',
          ca: readFileSync(path.join(dir, 'ca.crt')),
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{"spec":{"replicas":3}}');
    });
    expect(status).toBe(415);
  });
});
