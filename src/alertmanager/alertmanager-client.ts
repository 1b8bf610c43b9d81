import { OutboundError } from '../outbound/outbound-error.js';
import { outboundRequest } from '../outbound/outbound-request.js';
import { stringRecord } from '../model/label-value.js';

/** An alert as Alertmanager's API v2 lists it, with whether a silence or an inhibition holds it. */
export interface ManagedAlert {
  readonly fingerprint: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly silenced: boolean;
  readonly inhibited: boolean;
}

export interface AlertmanagerClient {
  /** Every active alert, silenced and inhibited ones included (`GET /api/v2/alerts`). */
  alerts(signal?: AbortSignal): Promise<ManagedAlert[]>;
}

export interface AlertmanagerClientOptions {
  readonly url: string;
  readonly timeoutMs: number;
  /** The largest answer read; an Alertmanager holding tens of thousands of alerts answers megabytes. */
  readonly maxResponseBytes: number;
}

/** Why Alertmanager's alerts or silences could not be read or written; the message is shown to a person as it is. */
export class AlertmanagerError extends Error {
  readonly statusCode = 502;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'AlertmanagerError';
  }

  /** A non-2xx answer, with the start of its body: what a person clicking Silence is shown. */
  static fromAnswer(status: number, body: string): AlertmanagerError {
    const excerpt = body.length > 200 ? `${body.slice(0, 200)}…` : body;
    return new AlertmanagerError(`Alertmanager answered ${status}${excerpt ? `: ${excerpt}` : ''}`);
  }
}

/**
 * Reads Alertmanager's alerts over the shared outbound layer (its deadline, size cap and the
 * caller's signal). Alertmanager is the one place that knows what is silenced or inhibited, which
 * Prometheus's own alerts list cannot say.
 */
export function createAlertmanagerClient(options: AlertmanagerClientOptions): AlertmanagerClient {
  const url = `${options.url.replace(/\/+$/, '')}/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true`;
  return {
    async alerts(signal) {
      const response = await outboundRequest({
        url,
        headers: { Accept: 'application/json' },
        destination: 'Alertmanager',
        timeoutMs: options.timeoutMs,
        maxResponseBytes: options.maxResponseBytes,
        ...(signal ? { signal } : {}),
      }).catch((error: unknown) => {
        throw error instanceof OutboundError ? new AlertmanagerError(error.message, { cause: error }) : error;
      });
      if (response.status !== 200) throw new AlertmanagerError(`Alertmanager answered HTTP ${response.status}`);
      return parseAlerts(response.body);
    },
  };
}

interface GettableAlert {
  fingerprint?: unknown;
  labels?: unknown;
  status?: { state?: unknown; silencedBy?: unknown; inhibitedBy?: unknown };
}

function parseAlerts(text: string): ManagedAlert[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AlertmanagerError('Alertmanager answered something other than JSON');
  }
  if (!Array.isArray(parsed)) throw new AlertmanagerError('Alertmanager answered with no alerts list');
  return parsed.flatMap((item: GettableAlert) => {
    if (typeof item !== 'object' || item === null || typeof item.labels !== 'object' || item.labels === null) return [];
    const nonEmpty = (value: unknown): boolean => Array.isArray(value) && value.length > 0;
    return [
      {
        fingerprint: typeof item.fingerprint === 'string' ? item.fingerprint : '',
        labels: stringRecord(item.labels),
        silenced: nonEmpty(item.status?.silencedBy),
        inhibited: nonEmpty(item.status?.inhibitedBy),
      },
    ];
  });
}
