import { outboundRequest } from '../outbound/outbound-request.js';
import { AlertmanagerError } from './alertmanager-client.js';
import type { SilenceMatcher } from './silence-matchers.js';

export interface NewSilence {
  readonly matchers: readonly SilenceMatcher[];
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly createdBy: string;
  readonly comment: string;
}

const ANSWER_LIMIT = 64 * 1024;

/**
 * Alertmanager's API v2 for silences: `POST /api/v2/silences` answers `{"silenceID": "…"}`;
 * `DELETE /api/v2/silence/{id}` expires one. Status is read under the shared HTTP policy.
 */
export function createSilenceClient(baseUrl: string, options: { readonly timeoutMs: number }) {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    /** The silence's page in Alertmanager's UI. */
    silenceUrl: (id: string): string => `${base}/#/silences/${encodeURIComponent(id)}`,
    async create(silence: NewSilence, signal?: AbortSignal): Promise<string> {
      const answer = await outboundRequest({
        url: `${base}/api/v2/silences`,
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ ...silence, startsAt: silence.startsAt.toISOString(), endsAt: silence.endsAt.toISOString() }),
        destination: 'Alertmanager',
        timeoutMs: options.timeoutMs,
        maxResponseBytes: ANSWER_LIMIT,
        ...(signal ? { signal } : {}),
      });
      if (answer.status !== 200) throw AlertmanagerError.fromAnswer(answer.status, answer.body);
      const id = (JSON.parse(answer.body) as { silenceID?: unknown }).silenceID;
      if (typeof id !== 'string' || id === '') throw new AlertmanagerError('Alertmanager answered 200 without a silenceID');
      return id;
    },
    async expire(id: string, signal?: AbortSignal): Promise<void> {
      const answer = await outboundRequest({
        url: `${base}/api/v2/silence/${encodeURIComponent(id)}`,
        method: 'DELETE',
        destination: 'Alertmanager',
        timeoutMs: options.timeoutMs,
        maxResponseBytes: ANSWER_LIMIT,
        ...(signal ? { signal } : {}),
      });
      if (answer.status !== 200) throw AlertmanagerError.fromAnswer(answer.status, answer.body);
    },
  };
}
