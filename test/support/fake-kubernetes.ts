import { startHttpStandIn, type HttpStandIn, type RecordedRequest, type StandInAnswer } from './http-stand-in.js';

export interface Workload {
  replicas: number;
  resourceVersion: number;
}

export interface FakeKubernetes {
  readonly url: string;
  readonly standIn: HttpStandIn;
  /** `deployments/shop/cart` → its state; tests add what the cluster holds. */
  readonly workloads: Map<string, Workload>;
  /** Requests other than the ones refused for auth, as the API server saw them. */
  readonly requests: RecordedRequest[];
  /** The next `count` PATCHes find the object changed since it was read (another writer): 409. */
  conflictOnNextPatches(count: number): void;
  close(): Promise<void>;
}

const SCALE_PATH = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/(deployments|statefulsets)\/([^/]+)\/scale$/;
const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

/**
 * An API server stand-in for the scale subresource of apps/v1 Deployments and StatefulSets. It
 * checks requests as the real one does (bearer token, path, method, patch content type, merge
 * patch body, resourceVersion preconditions) and answers as it does: a `Scale` object
 * (autoscaling/v1), or a `Status` with the real messages for 401, 403, 404, 409, 415 and 422.
 */
export async function startFakeKubernetes(options: {
  token: string;
  /** Namespaces the service account may scale in (RBAC); others are 403. */
  allowedNamespaces?: readonly string[];
  tls?: { key: Buffer; cert: Buffer };
}): Promise<FakeKubernetes> {
  const workloads = new Map<string, Workload>();
  const requests: RecordedRequest[] = [];
  let conflicts = 0;
  const standIn = await startHttpStandIn(
    (request) => {
      if (request.headers.authorization !== `Bearer ${options.token}`) return status(401, 'Unauthorized', 'Unauthorized');
      requests.push(request);
      const match = SCALE_PATH.exec(request.url);
      if (!match) return status(404, 'NotFound', 'the server could not find the requested resource');
      const [, namespace, resource, name] = match as unknown as [string, string, string, string];
      const verb = request.method === 'GET' ? 'get' : request.method === 'PATCH' ? 'patch' : undefined;
      if (!verb) return status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
      if (options.allowedNamespaces && !options.allowedNamespaces.includes(namespace)) {
        return status(
          403,
          'Forbidden',
          `${resource}.apps "${name}" is forbidden: User "system:serviceaccount:monitoring:alertpipe" cannot ${verb} resource "${resource}/scale" in API group "apps" in the namespace "${namespace}"`,
        );
      }
      const workload = workloads.get(`${resource}/${namespace}/${name}`);
      if (!workload) return status(404, 'NotFound', `${resource}.apps "${name}" not found`, { name, group: 'apps', kind: resource });
      if (verb === 'get') return { status: 200, body: scaleObject(namespace, name, workload) };

      const contentType = String(request.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim();
      if (!PATCH_TYPES.includes(contentType)) {
        return status(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`,
        );
      }
      if (contentType !== 'application/merge-patch+json')
        return status(422, 'Invalid', `this stand-in takes merge patches only, got ${contentType}`);
      let patch: { metadata?: { resourceVersion?: unknown }; spec?: { replicas?: unknown } };
      try {
        patch = JSON.parse(request.body) as typeof patch;
      } catch {
        return status(400, 'BadRequest', 'error decoding patch: invalid character');
      }
      if (conflicts > 0) {
        conflicts -= 1;
        workload.resourceVersion += 1;
      }
      const expected = patch.metadata?.resourceVersion;
      if (expected !== undefined && String(expected) !== String(workload.resourceVersion)) {
        return status(
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${resource}.apps "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        );
      }
      const replicas = patch.spec?.replicas;
      if (!Number.isInteger(replicas) || (replicas as number) < 0) {
        return status(
          422,
          'Invalid',
          `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
        );
      }
      workload.replicas = replicas as number;
      workload.resourceVersion += 1;
      return { status: 200, body: scaleObject(namespace, name, workload) };
    },
    options.tls ? { tls: options.tls } : {},
  );
  return {
    url: standIn.url,
    standIn,
    workloads,
    requests,
    conflictOnNextPatches(count) {
      conflicts = count;
    },
    close: () => standIn.close(),
  };
}

function scaleObject(namespace: string, name: string, workload: Workload): object {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name,
      namespace,
      uid: `uid-${namespace}-${name}`,
      resourceVersion: String(workload.resourceVersion),
      creationTimestamp: '2026-11-01T00:00:00Z',
    },
    spec: { replicas: workload.replicas },
    status: { replicas: workload.replicas, selector: `app=${name}` },
  };
}

function status(code: number, reason: string, message: string, details?: object): StandInAnswer {
  return {
    status: code,
    body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code },
  };
}
