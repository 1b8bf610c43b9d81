import axios, { type AxiosInstance } from 'axios';
import type { Metrics } from '../observability/metrics.js';
import { PrometheusError } from './prometheus-error.js';
import { QueryCache } from './query-cache.js';

/** One series of an instant query: its labels and its value at the query time. */
export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** One series of a range query: its labels and `[epoch seconds, value]` points. */
export interface Series {
  readonly labels: Readonly<Record<string, string>>;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

export interface RangeOptions {
  /** How far back from now, in seconds. */
  readonly rangeSeconds: number;
  readonly stepSeconds: number;
}

/** The two Prometheus HTTP API calls enrichers need. */
export interface PrometheusClient {
  query(promql: string, signal?: AbortSignal): Promise<Sample[]>;
  queryRange(promql: string, range: RangeOptions, signal?: AbortSignal): Promise<Series[]>;
}

export interface PrometheusClientOptions {
  readonly url: string;
  readonly timeoutMs: number;
  readonly bearerToken?: string;
  readonly basicAuth?: { readonly username: string; readonly password: string };
  readonly headers?: Readonly<Record<string, string>>;
  /** How long an identical query is answered from memory; 0 turns the cache off. */
  readonly cacheTtlMs: number;
  readonly metrics: Metrics;
}

interface ApiAnswer {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

/**
 * A Prometheus HTTP API client on axios. Queries go as POST forms, so a selector naming a hundred
 * pods never meets a URL length limit. Identical queries within `cacheTtlMs` share one request,
 * which keeps a burst of notifications about the same pods from becoming a burst of queries.
 */
export function createPrometheusClient(options: PrometheusClientOptions): PrometheusClient {
  const http: AxiosInstance = axios.create({
    baseURL: options.url.replace(/\/+$/, ''),
    timeout: options.timeoutMs,
    headers: {
      ...options.headers,
      ...(options.bearerToken ? { Authorization: `Bearer ${options.bearerToken}` } : {}),
    },
    ...(options.basicAuth ? { auth: options.basicAuth } : {}),
    // Status is checked below, so a 4xx body (Prometheus explains bad queries there) is read, not thrown.
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true },
  });
  const cache = new QueryCache(options.cacheTtlMs);
  const { metrics } = options;

  async function call(endpoint: 'query' | 'query_range', form: Record<string, string>): Promise<unknown> {
    const started = performance.now();
    let outcome = 'success';
    try {
      const response = await http
        .post<ApiAnswer>(`/api/v1/${endpoint}`, new URLSearchParams(form), { responseType: 'json' })
        .catch((error: unknown) => {
          throw toNetworkError(error, options.timeoutMs);
        });
      const body = typeof response.data === 'object' && response.data !== null ? response.data : {};
      if (body.status === 'success' && body.data) return body.data.result;
      if (body.status === 'error') {
        // 400 bad_data and 422 execution errors: the query is wrong, not Prometheus.
        const kind = response.status >= 500 ? 'http' : 'query';
        throw new PrometheusError(kind, `Prometheus rejected the query: ${body.errorType ?? 'error'}: ${body.error ?? 'no reason given'}`, {
          status: response.status,
        });
      }
      throw new PrometheusError('http', `Prometheus answered HTTP ${response.status} without a result`, { status: response.status });
    } catch (error) {
      outcome = error instanceof PrometheusError ? error.failure : 'error';
      throw error;
    } finally {
      metrics.prometheusQueries.inc({ endpoint, outcome });
      metrics.prometheusQueryDuration.observe({ endpoint }, (performance.now() - started) / 1000);
    }
  }

  function cached<T>(endpoint: 'query' | 'query_range', key: string, load: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const { promise, hit } = cache.get(`${endpoint}\n${key}`, load);
    if (hit) metrics.prometheusCacheHits.inc({ endpoint });
    return abortable(promise, signal);
  }

  return {
    query(promql, signal) {
      return cached('query', promql, async () => parseVector(await call('query', { query: promql })), signal);
    },
    queryRange(promql, range, signal) {
      // Ends now: the last minutes are the ones an incident is about. The cache key leaves the
      // time out, so notifications within the cache TTL share one answer.
      const end = Math.floor(Date.now() / 1000);
      const start = end - range.rangeSeconds;
      const key = `${promql}\n${range.rangeSeconds}\n${range.stepSeconds}`;
      return cached(
        'query_range',
        key,
        async () =>
          parseMatrix(
            await call('query_range', { query: promql, start: String(start), end: String(end), step: String(range.stepSeconds) }),
          ),
        signal,
      );
    },
  };
}

function toNetworkError(error: unknown, timeoutMs: number): PrometheusError {
  if (axios.isAxiosError(error)) {
    if (error.code === 'ETIMEDOUT' || error.code === 'ECONNABORTED') {
      return new PrometheusError('timeout', `Prometheus did not answer within ${timeoutMs} ms`, { cause: error });
    }
    return new PrometheusError('unreachable', `Prometheus unreachable: ${error.code ?? error.message}`, { cause: error });
  }
  return new PrometheusError('unreachable', `Prometheus unreachable: ${String(error)}`, { cause: error });
}

function parseVector(result: unknown): Sample[] {
  if (!Array.isArray(result)) throw new PrometheusError('response', 'Prometheus answered with no vector result');
  return result.map((item: { metric?: Record<string, string>; value?: [number, string] }) => ({
    labels: item.metric ?? {},
    value: Number(item.value?.[1]),
  }));
}

function parseMatrix(result: unknown): Series[] {
  if (!Array.isArray(result)) throw new PrometheusError('response', 'Prometheus answered with no matrix result');
  return result.map((item: { metric?: Record<string, string>; values?: [number, string][] }) => ({
    labels: item.metric ?? {},
    points: (item.values ?? []).map(([time, value]) => [time, Number(value)] as const),
  }));
}

/** Lets one caller stop waiting without cancelling a request other callers share. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
