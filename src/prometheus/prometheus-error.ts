/** Why a PromQL query produced no result. The message is written to be shown to a person as-is. */
export type PrometheusFailure = 'unreachable' | 'timeout' | 'http' | 'query' | 'response';

export class PrometheusError extends Error {
  readonly failure: PrometheusFailure;
  readonly status: number | undefined;

  constructor(failure: PrometheusFailure, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'PrometheusError';
    this.failure = failure;
    this.status = options.status;
  }
}
