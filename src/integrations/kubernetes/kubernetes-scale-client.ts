import { Agent } from 'node:https';
import { ACTION_RESPONSE_LIMIT, outboundRequest } from '../../outbound/outbound-request.js';
import { VERSION } from '../../lib/version.js';
import { ActionError, isRetryableStatus, parseRetryAfter } from '../action-error.js';
import { toActionError } from '../http-post.js';
import type { KubernetesConnection } from './kubernetes-connection.js';

export type WorkloadKind = 'deployment' | 'statefulset';

export interface ScaleTarget {
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
}

/** What the scale subresource says: the desired count and the version it was read at. */
export interface ScaleState {
  readonly replicas: number;
  readonly resourceVersion: string;
}

const RESOURCE: Record<WorkloadKind, string> = { deployment: 'deployments', statefulset: 'statefulsets' };

export function describeTarget(target: ScaleTarget): string {
  return `${target.kind} ${target.namespace}/${target.name}`;
}

/**
 * The two calls the scale action makes, on the `scale` subresource of apps/v1 Deployments and
 * StatefulSets: GET it, and PATCH `spec.replicas` as a JSON merge patch. The shared outbound layer
 * (deadline, answer-size cap, the attempt's signal) rather than
 * `@kubernetes/client-node`: two calls do not need a generated client for every API group, and
 * that client (ESM-only from 1.x) sends patches as `application/json-patch+json` unless told
 * otherwise, which a merge-patch body then fails with 415 or 422.
 */
export class KubernetesScaleClient {
  private readonly httpsAgent: Agent | undefined;
  private readonly basic: string | undefined;

  constructor(
    private readonly connection: KubernetesConnection,
    private readonly timeoutMs: number,
  ) {
    this.httpsAgent = connection.server.startsWith('https:')
      ? new Agent({
          ...(connection.ca ? { ca: connection.ca } : {}),
          ...(connection.cert ? { cert: connection.cert } : {}),
          ...(connection.key ? { key: connection.key } : {}),
          rejectUnauthorized: !connection.insecureSkipTlsVerify,
        })
      : undefined;
    this.basic = connection.basic ? Buffer.from(`${connection.basic.username}:${connection.basic.password}`).toString('base64') : undefined;
  }

  async getScale(target: ScaleTarget, signal: AbortSignal): Promise<ScaleState> {
    return this.call(target, 'GET', undefined, signal);
  }

  /**
   * Sets the replicas. With `resourceVersion`, the API server refuses (409) when the object changed
   * since it was read, so a relative change (`+1`) is never applied to a count it did not see.
   */
  async patchScale(target: ScaleTarget, replicas: number, resourceVersion: string | undefined, signal: AbortSignal): Promise<ScaleState> {
    const patch = { ...(resourceVersion ? { metadata: { resourceVersion } } : {}), spec: { replicas } };
    return this.call(target, 'PATCH', patch, signal);
  }

  private async call(target: ScaleTarget, method: 'GET' | 'PATCH', body: unknown, signal: AbortSignal): Promise<ScaleState> {
    const url = `/apis/apps/v1/namespaces/${encodeURIComponent(target.namespace)}/${RESOURCE[target.kind]}/${encodeURIComponent(target.name)}/scale`;
    const token = this.connection.token?.();
    const destination = `Kubernetes API (${this.connection.origin})`;
    let response;
    try {
      response = await outboundRequest({
        url: `${this.connection.server}${url}`,
        method,
        signal,
        destination,
        timeoutMs: this.timeoutMs,
        maxResponseBytes: ACTION_RESPONSE_LIMIT,
        ...(this.httpsAgent ? { httpsAgent: this.httpsAgent } : {}),
        headers: {
          Accept: 'application/json',
          'User-Agent': `alertpipe/${VERSION}`,
          ...(token ? { Authorization: `Bearer ${token}` } : this.basic ? { Authorization: `Basic ${this.basic}` } : {}),
          ...(method === 'PATCH' ? { 'Content-Type': 'application/merge-patch+json' } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw toActionError(destination, error);
    }
    const data = parseJson(response.body) as
      | { kind?: string; message?: string; reason?: string; spec?: { replicas?: unknown }; metadata?: { resourceVersion?: unknown } }
      | undefined;
    if (response.status >= 200 && response.status < 300) {
      const replicas = data?.spec?.replicas ?? 0;
      if (typeof replicas !== 'number')
        throw new ActionError(`Kubernetes answered a Scale without a replica count for ${describeTarget(target)}`, { retryable: false });
      return { replicas, resourceVersion: String(data?.metadata?.resourceVersion ?? '') };
    }
    throw statusError(target, method, response.status, data, response.headers['retry-after']);
  }
}

/**
 * The API server answers errors with a `Status` object whose `message` says it all
 * ('deployments.apps "cart" not found', '... is forbidden: User ... cannot patch resource ...').
 * 409 (changed since read) is retried with a fresh read, as are 429 and 5xx; other 4xx are not.
 */
function statusError(
  target: ScaleTarget,
  method: string,
  status: number,
  data: { kind?: string; message?: string; reason?: string } | undefined,
  retryAfter: string | undefined,
): ActionError {
  const what = data?.kind === 'Status' && data.message ? data.message : `HTTP ${status}`;
  const retryable = isRetryableStatus(status) || status === 409;
  const retryAfterMs = parseRetryAfter(retryAfter);
  return new ActionError(
    `Kubernetes refused ${method} ${describeTarget(target)}/scale: ${status}${data?.reason ? ` ${data.reason}` : ''}: ${what}`,
    {
      retryable,
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    },
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
