import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ConfigError } from '../../../src/lib/config-error.js';
import { parseConfigText } from '../../../src/config/load-config.js';
import {
  ROOT,
  chartCases,
  checkDockerfile,
  checkRenderedOptions,
  checkWorkload,
  exampleRuleGroups,
  parseManifests,
  runAll,
  unknownFieldProblems,
  validateManifests,
  type CheckResult,
  type KubeObject,
} from '../../../scripts/validate-deploy.mjs';
import { binariesAvailable } from '../../support/binaries.js';

const failuresOf = (results: CheckResult[]): string[] =>
  results.filter((r) => r.problems.length > 0).map((r) => `${r.check}: ${r.problems.join('; ')}`);

describe('deployment files, validated by scripts/validate-deploy.mjs', () => {
  let results: CheckResult[] = [];
  beforeAll(() => {
    // Extracts helm, lints and renders the chart three ways, type-checks every object: a few seconds.
    results = runAll();
  }, 120_000);
  const about = (prefix: string): CheckResult[] => results.filter((r) => r.check.startsWith(prefix));

  it('the Dockerfile and .dockerignore pass', () => {
    expect(about('Dockerfile')).toHaveLength(1);
    expect(failuresOf(about('Dockerfile'))).toEqual([]);
  });

  it('reads .dockerignore as Docker does: a later `!` pattern lets a copied file back in', () => {
    const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const dockerignore = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8');
    expect(dockerignore).toContain('!scripts/build-when-stale.mjs');
    expect(checkDockerfile(dockerfile, dockerignore)).toEqual([]);
    const withoutException = dockerignore.replace('!scripts/build-when-stale.mjs', '');
    expect(checkDockerfile(dockerfile, withoutException)).toEqual(['COPY scripts/build-when-stale.mjs: .dockerignore excludes it']);
  });

  it('deployment-k8s.yaml: every object valid, hardened, referenced and granted', () => {
    const checks = about('deployment-k8s.yaml');
    for (const kind of ['Namespace', 'Secret', 'ConfigMap', 'ServiceAccount', 'Role', 'RoleBinding', 'Deployment', 'Service']) {
      expect(
        checks.some((r) => r.check.includes(` ${kind} monitoring`)),
        kind,
      ).toBe(true);
    }
    expect(failuresOf(checks)).toEqual([]);
  });

  it('the chart lints and renders valid objects for its default values and every ci values file', () => {
    expect(about('helm v')).toHaveLength(1);
    const cases = chartCases().map((c) => c.name);
    expect(cases).toEqual(expect.arrayContaining(['default values', 'ci/everything-values.yaml']));
    for (const name of cases) {
      expect(about(`helm lint --strict helm-chart/alertpipe (${name})`), name).toHaveLength(1);
      expect(about(`chart (${name}): Deployment`).length, name).toBeGreaterThan(0);
    }
    const everything = about('chart (ci/everything-values.yaml)').map((r) => r.check);
    for (const kind of ['PersistentVolumeClaim', 'ServiceMonitor', 'PodDisruptionBudget', 'Role shop/', 'Role payments/']) {
      expect(
        everything.some((check) => check.includes(kind)),
        kind,
      ).toBe(true);
    }
    expect(failuresOf([...about('helm'), ...about('chart')])).toEqual([]);
  });

  it('the example values for the Prometheus charts pass', () => {
    expect(about('examples/helm/').length).toBeGreaterThanOrEqual(5);
    expect(failuresOf(about('examples/helm/'))).toEqual([]);
  });

  it('has no failure anywhere', () => {
    expect(results.length).toBeGreaterThan(50);
    expect(failuresOf(results)).toEqual([]);
  });
});

describe('the checks catch what they are for', () => {
  const rootDeployment = (): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'careless', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'careless' } },
      template: {
        metadata: { labels: { app: 'careless' } },
        spec: {
          securityContext: { runAsUser: 0 },
          containers: [{ name: 'app', image: 'ghcr.io/alertpipe/alertpipe:0.1.0', ports: [{ name: 'http', containerPort: 8080 }] }],
        },
      },
    },
  });

  it('reports a Deployment without probes or limits that runs as root', () => {
    const problems = checkWorkload(rootDeployment());
    expect(problems).toEqual(
      expect.arrayContaining([
        'container app: runAsNonRoot is not true (it may run as root)',
        'container app: runs as root (runAsUser: 0)',
        'container app: no livenessProbe',
        'container app: no readinessProbe',
        'container app: no memory limit',
        'container app: no cpu limit',
        'container app: allowPrivilegeEscalation is not false',
      ]),
    );
    const results = validateManifests([rootDeployment()], { source: 'careless.yaml' });
    const failed = results.filter((r) => r.problems.length > 0).map((r) => r.check);
    expect(failed).toEqual(
      expect.arrayContaining([
        'careless.yaml: Deployment default/careless runs non-root, hardened, with probes and limits',
        'careless.yaml: a Role grants get and patch on deployments/scale and statefulsets/scale',
      ]),
    );
  });

  it("reports a PrometheusRule missing when enabled, or holding other rules than alertpipe's own", () => {
    const deployment = { kind: 'Deployment', spec: { template: { metadata: { annotations: { 'checksum/config': 'x' } } } } };
    const values = { prometheusRule: { enabled: true } };
    expect(checkRenderedOptions([deployment], values)).toContain('prometheusRule is enabled, but no PrometheusRule is rendered');
    const stale = { kind: 'PrometheusRule', spec: { groups: [{ name: 'alertpipe', rules: [] }] } };
    expect(checkRenderedOptions([deployment, stale], values)).toContain(
      'the PrometheusRule does not hold the groups of examples/rules/alertpipe.yml',
    );
    const current = { ...stale, spec: { groups: parse(readFileSync(path.join(ROOT, 'examples/rules/alertpipe.yml'), 'utf8')).groups } };
    expect(checkRenderedOptions([deployment, current], values)).toEqual([]);
  });

  it('reports a misspelt field that the JSON schema lets through, and a malformed quantity', () => {
    const deployment = parseManifests(readFileSync(path.join(ROOT, 'deployment-k8s.yaml'), 'utf8')).find((o) => o.kind === 'Deployment')!;
    const container = deployment.spec.template.spec.containers[0];
    container.livenesProbe = container.livenessProbe;
    delete container.livenessProbe;
    container.resources.limits.memory = 'plenty';
    const [strict] = unknownFieldProblems([deployment]);
    expect(strict).toEqual([expect.stringContaining('spec.template.spec.containers[0].livenesProbe: unknown field "livenesProbe"')]);
    const failed = failuresOf(validateManifests([deployment], { source: 'typo.yaml', scaleNamespaces: ['monitoring'] }));
    expect(failed.join('\n')).toContain('limits/memory must match format "quantity"');
    expect(failed.join('\n')).toContain('no livenessProbe');
  });
});

function checkAlertpipeConfig(text: string, source: string): string[] {
  const env = {
    SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/XXXX',
    SLACK_TEAM_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/YYYY',
    PAGERDUTY_ROUTING_KEY: '0123456789abcdef0123456789abcdef',
    AUTH_TOKEN: 'token',
    PROMETHEUS_URL: 'http://prometheus-server.monitoring.svc',
    DATA_DIR: '/data',
  };
  try {
    parseConfigText(text, source, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${source}: ${p.path}: ${p.message}`);
    throw error;
  }
}

describe('the alertpipe configs in the manifests are valid alertpipe configs', () => {
  it('deployment-k8s.yaml ConfigMap config.yaml', () => {
    const configMap = parseManifests(readFileSync(path.join(ROOT, 'deployment-k8s.yaml'), 'utf8')).find((o) => o.kind === 'ConfigMap')!;
    expect(checkAlertpipeConfig(configMap.data['config.yaml'], 'deployment-k8s.yaml')).toEqual([]);
  });

  it('the config of every chart values file', () => {
    const withConfig = chartCases().filter((c) => c.values.config);
    expect(withConfig.length).toBeGreaterThanOrEqual(2);
    for (const c of withConfig) {
      const text = typeof c.values.config === 'string' ? c.values.config : stringify(c.values.config);
      expect(checkAlertpipeConfig(text, c.name)).toEqual([]);
    }
  });
});

const tools = binariesAvailable('promtool', 'amtool');

describe.skipIf(!tools.available)('the example values for the Prometheus charts, checked by the real tools', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-helm-examples-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (command: string, args: string[]) => {
    const result = spawnSync(command, args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    return { code: result.status, output: `${result.stdout}${result.stderr}` };
  };
  const values = (file: string) => parse(readFileSync(path.join(ROOT, 'examples', 'helm', file), 'utf8'));
  const cases = [
    {
      file: 'prometheus-values.yaml',
      alertmanager: (v: any) => v.alertmanager.config,
      groups: (v: any) => v.serverFiles['alerting_rules.yml'].groups,
    },
    {
      file: 'kube-prometheus-stack-values.yaml',
      alertmanager: (v: any) => v.alertmanager.config,
      groups: (v: any) => Object.values(v.additionalPrometheusRulesMap).flatMap((entry: any) => entry.groups),
    },
  ];

  for (const c of cases) {
    it(`${c.file}: amtool check-config passes on alertmanager.config`, () => {
      const file = path.join(dir, `${c.file}.alertmanager.yml`);
      writeFileSync(file, stringify(c.alertmanager(values(c.file))));
      const result = run('amtool', ['check-config', file]);
      expect(result.output).toContain('SUCCESS');
      expect(result.code).toBe(0);
    });

    it(`${c.file}: promtool check rules passes on its rule groups, the same as examples/rules`, () => {
      const groups = c.groups(values(c.file));
      expect(groups.map((g: any) => g.name).sort()).toEqual(
        exampleRuleGroups()
          .map((g) => g.name)
          .sort(),
      );
      const file = path.join(dir, `${c.file}.rules.yml`);
      writeFileSync(file, stringify({ groups }));
      const result = run('promtool', ['check', 'rules', file]);
      expect(result.output).not.toContain('FAILED');
      expect(result.code).toBe(0);
    });
  }
});
