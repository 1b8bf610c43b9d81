import type { Metrics } from '../observability/metrics.js';
import { stringRecord } from '../model/label-value.js';
import { OutboundError } from '../outbound/outbound-error.js';
import { outboundRequest } from '../outbound/outbound-request.js';
import { PrometheusError } from './prometheus-error.js';
import { QueryCache, type Loaded } from './query-cache.js';

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

/** An alerting rule's alert as Prometheus's `/api/v1/alerts` lists it. */
export interface RuleAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly state: 'firing' | 'pending';
  readonly activeAt: string | undefined;
}

/** The Prometheus HTTP API calls enrichers need. */
export interface PrometheusClient {
  query(promql: string, signal?: AbortSignal): Promise<Sample[]>;
  queryRange(promql: string, range: RangeOptions, signal?: AbortSignal): Promise<Series[]>;
  /** Every alert of Prometheus's alerting rules, pending or firing (`/api/v1/alerts`). */
  alerts(signal?: AbortSignal): Promise<RuleAlert[]>;
}

export interface PrometheusClientOptions {
  readonly url: string;
  readonly timeoutMs: number;
  readonly bearerToken?: string;
  readonly basicAuth?: { readonly username: string; readonly password: string };
  readonly headers?: Readonly<Record<string, string>>;
  /** How long an identical query is answered from memory; 0 turns the cache off. */
  readonly cacheTtlMs: number;
  /** The largest answer read, in bytes; a larger one fails the query (10 MiB unless said otherwise). */
  readonly maxResponseBytes?: number;
  readonly metrics: Metrics;
}

/** Answers larger than this are refused unless `prometheus.max_response_size` says otherwise. */
export const DEFAULT_PROMETHEUS_RESPONSE_LIMIT = 10 * 1024 * 1024;
// What the cache may hold, by the answers' size as received; parsed, they weigh a few times more.
const CACHE_MAX_BYTES = 32 * 1024 * 1024;
const CACHE_MAX_ENTRIES = 1000;

interface ApiAnswer {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown; alerts?: unknown };
}

type Endpoint = 'query' | 'query_range' | 'alerts';

/**
 * A Prometheus HTTP API client on the shared outbound layer. Queries go as POST forms, so a
 * selector naming a hundred pods never meets a URL length limit. Identical queries within
 * `cacheTtlMs` share one request, which keeps a burst of notifications about the same pods from
 * becoming a burst of queries. An answer is read up to `maxResponseBytes` and no further (a query
 * that matches millions of series fails with a note instead of exhausting the heap), and a
 * caller's signal (the enricher's deadline) closes the request once no other caller waits on it.
 */
export function createPrometheusClient(options: PrometheusClientOptions): PrometheusClient {
  const baseUrl = options.url.replace(/\/+$/, '');
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_PROMETHEUS_RESPONSE_LIMIT;
  const headers: Record<string, string> = {
    // Answers are small (a group's pods, capped by maxResponseBytes) and Prometheus is near: in an
    // alert storm, inflating each gzipped answer cost an eighth of alertpipe's CPU, more than the
    // bytes it saved. Set Accept-Encoding in `prometheus.headers` to ask for compression anyway.
    'Accept-Encoding': 'identity',
    ...options.headers,
    ...(options.bearerToken ? { Authorization: `Bearer ${options.bearerToken}` } : {}),
    ...(options.basicAuth
      ? { Authorization: `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')}` }
      : {}),
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
  };
  const cache = new QueryCache({ ttlMs: options.cacheTtlMs, maxBytes: CACHE_MAX_BYTES, maxEntries: CACHE_MAX_ENTRIES });
  const { metrics } = options;

  // Queries are POSTed forms; the alerts list takes no parameters and is a GET.
  async function call(
    endpoint: Endpoint,
    form: Record<string, string> | undefined,
    signal: AbortSignal,
  ): Promise<{ data: NonNullable<ApiAnswer['data']>; bytes: number }> {
    const started = performance.now();
    let outcome = 'success';
    try {
      const response = await outboundRequest({
        url: `${baseUrl}/api/v1/${endpoint}`,
        ...(form === undefined ? { method: 'GET' as const } : { method: 'POST' as const, body: new URLSearchParams(form).toString() }),
        headers,
        destination: 'Prometheus',
        timeoutMs: options.timeoutMs,
        maxResponseBytes,
        signal,
        // As axios did before: a Prometheus behind a path-rewriting proxy may redirect once.
        maxRedirects: 5,
      }).catch((error: unknown) => {
        throw toPrometheusError(error);
      });
      const body = parseAnswer(response.body);
      if (body.status === 'success' && body.data) return { data: body.data, bytes: response.bytes };
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

  function cached<T>(endpoint: Endpoint, key: string, load: (signal: AbortSignal) => Promise<Loaded<T>>, signal?: AbortSignal): Promise<T> {
    const { promise, hit } = cache.get(`${endpoint}\n${key}`, load, signal);
    if (hit) metrics.prometheusCacheHits.inc({ endpoint });
    return promise;
  }

  return {
    query(promql, signal) {
      return cached(
        'query',
        promql,
        async (aborted) => {
          const { data, bytes } = await call('query', { query: promql }, aborted);
          return { value: parseVector(data.result), bytes };
        },
        signal,
      );
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
        async (aborted) => {
          const form = { query: promql, start: String(start), end: String(end), step: String(range.stepSeconds) };
          const { data, bytes } = await call('query_range', form, aborted);
          return { value: parseMatrix(data.result), bytes };
        },
        signal,
      );
    },
    alerts(signal) {
      // Cached like a query: a burst of notifications asks for the list once.
      return cached(
        'alerts',
        '',
        async (aborted) => {
          const { data, bytes } = await call('alerts', undefined, aborted);
          return { value: parseAlerts(data.alerts), bytes };
        },
        signal,
      );
    },
  };
}

function parseAlerts(alerts: unknown): RuleAlert[] {
  if (!Array.isArray(alerts)) throw new PrometheusError('response', 'Prometheus answered with no alerts list');
  return alerts.flatMap((item: { labels?: unknown; state?: unknown; activeAt?: unknown }) => {
    if (typeof item !== 'object' || item === null || typeof item.labels !== 'object' || item.labels === null) return [];
    const state = item.state === 'firing' || item.state === 'pending' ? item.state : undefined;
    if (state === undefined) return [];
    return [{ labels: stringRecord(item.labels), state, activeAt: typeof item.activeAt === 'string' ? item.activeAt : undefined }];
  });
}

function parseAnswer(text: string): ApiAnswer {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as ApiAnswer) : {};
  } catch {
    return {};
  }
}

function toPrometheusError(error: unknown): PrometheusError {
  if (error instanceof OutboundError) {
    if (error.failure === 'timeout') return new PrometheusError('timeout', error.message, { cause: error });
    if (error.failure === 'too-large') {
      return new PrometheusError('response', `${error.message} (prometheus.max_response_size)`, {
        cause: error,
        ...(error.status ? { status: error.status } : {}),
      });
    }
    if (error.failure === 'cancelled') return new PrometheusError('timeout', error.message, { cause: error });
    return new PrometheusError('unreachable', error.message, { cause: error });
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
