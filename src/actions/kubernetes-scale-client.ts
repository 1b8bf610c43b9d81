import { Agent } from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { VERSION } from '../version.js';
import { ActionError, parseRetryAfter } from './action-error.js';
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
 * StatefulSets: GET it, and PATCH `spec.replicas` as a JSON merge patch. Plain axios rather than
 * `@kubernetes/client-node`: two calls do not need a generated client for every API group, and
 * that client (ESM-only from 1.x) sends patches as `application/json-patch+json` unless told
 * otherwise, which a merge-patch body then fails with 415 or 422.
 */
export class KubernetesScaleClient {
  private readonly http: AxiosInstance;

  constructor(private readonly connection: KubernetesConnection, timeoutMs: number) {
    const secure = connection.server.startsWith('https:');
    this.http = axios.create({
      baseURL: connection.server,
      timeout: timeoutMs,
      maxRedirects: 0,
      validateStatus: () => true,
      transitional: { clarifyTimeoutError: true },
      headers: { Accept: 'application/json', 'User-Agent': `alertpipe/${VERSION}` },
      ...(secure
        ? {
            httpsAgent: new Agent({
              ...(connection.ca ? { ca: connection.ca } : {}),
              ...(connection.cert ? { cert: connection.cert } : {}),
              ...(connection.key ? { key: connection.key } : {}),
              rejectUnauthorized: !connection.insecureSkipTlsVerify,
            }),
          }
        : {}),
      ...(connection.basic ? { auth: connection.basic } : {}),
    });
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
    let response;
    try {
      response = await this.http.request({
        url,
        method,
        signal,
        headers: {
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...(method === 'PATCH' ? { 'Content-Type': 'application/merge-patch+json' } : {}),
        },
        ...(body === undefined ? {} : { data: JSON.stringify(body) }),
      });
    } catch (error) {
      const code = axios.isAxiosError(error) ? (error.code ?? 'request failed') : 'request failed';
      throw ActionError.network(`Kubernetes API (${this.connection.origin})`, new Error(code));
    }
    const data = response.data as { kind?: string; message?: string; reason?: string; spec?: { replicas?: unknown }; metadata?: { resourceVersion?: unknown } };
    if (response.status >= 200 && response.status < 300) {
      const replicas = data?.spec?.replicas ?? 0;
      if (typeof replicas !== 'number') throw new ActionError(`Kubernetes answered a Scale without a replica count for ${describeTarget(target)}`, { retryable: false });
      return { replicas, resourceVersion: String(data?.metadata?.resourceVersion ?? '') };
    }
    throw statusError(target, method, response.status, data, response.headers['retry-after'] as string | undefined);
  }
}

/**
 * The API server answers errors with a `Status` object whose `message` says it all
 * ('deployments.apps "cart" not found', '... is forbidden: User ... cannot patch resource ...').
 * 409 (changed since read) is retried with a fresh read, as are 429 and 5xx; other 4xx are not.
 */
function statusError(target: ScaleTarget, method: string, status: number, data: { kind?: string; message?: string; reason?: string } | undefined, retryAfter: string | undefined): ActionError {
  const what = data?.kind === 'Status' && data.message ? data.message : `HTTP ${status}`;
  const retryable = status >= 500 || status === 429 || status === 409 || status === 408;
  const retryAfterMs = parseRetryAfter(retryAfter);
  return new ActionError(`Kubernetes refused ${method} ${describeTarget(target)}/scale: ${status}${data?.reason ? ` ${data.reason}` : ''}: ${what}`, {
    retryable,
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}
