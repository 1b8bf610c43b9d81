import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { Job, NotificationRecord } from '../../src/store/ports/records.js';
import { resolvedGroupBody } from './chat-platforms.js';
import { fixtureText } from './fixtures.js';
import type { HttpStandIn, StandInAnswer } from './http-stand-in.js';
import { startTestService, type TestService } from './test-service.js';

// What the tests of the paging receivers (Opsgenie, Splunk On-Call, incident.io) share: the
// fixture group sent through the service, and the checks each of them makes of its platform's
// answers. Each stand-in stays its own: what the platforms check and answer differs.

/** The fixture group's key hashed as Alertmanager's `key.Hash()` does: the alias, entity id or deduplication key Alertmanager itself would send. */
export const FIXTURE_GROUP_KEY_HASH = createHash('sha256').update('{}:{alertname="KubePodCrashLooping", namespace="shop"}').digest('hex');

/** A config's head: nothing deduplicated between tests, and retries quick enough for a test. */
export const QUICK_DELIVERY = `delivery:
  dedup_window: 0
  initial_backoff: 100ms
  max_backoff: 300ms
`;

/** The fixture's Alertmanager body, as it fires or once resolved. */
export function groupBody(status: 'firing' | 'resolved'): string {
  return status === 'firing' ? fixtureText('alertmanagerGroup') : resolvedGroupBody();
}

/** The action's job in a notification's record. */
export function jobOf(record: NotificationRecord, action: string): Job {
  const found = record.jobs.find((j) => j.action === action);
  if (!found) throw new Error(`no job of ${action} in ${JSON.stringify(record.jobs)}`);
  return found;
}

/** A stand-in that can be told to answer everything one way (an outage, a 429). */
export interface FailingStandIn {
  readonly standIn: HttpStandIn;
  failWith(answer: StandInAnswer | undefined): void;
}

/**
 * The platform throttles the first attempt: the job is retried no sooner than the answer says
 * (`at least` ms after the first request), and the second attempt delivers.
 */
export async function expectRetriedAfterThrottle(
  service: TestService,
  fake: FailingStandIn,
  options: { readonly action: string; readonly throttled: StandInAnswer; readonly atLeastMs: number },
): Promise<void> {
  fake.failWith(options.throttled);
  const requests = fake.standIn.requests.length;
  const { body } = await service.post('/alert', groupBody('firing'));
  await fake.standIn.waitForRequests(requests + 1);
  fake.failWith(undefined);
  const record = await service.untilDone(String(body.id));
  expect(jobOf(record, options.action).attempts.map((a) => a.outcome)).toEqual(['retry', 'success']);
  const [first, second] = fake.standIn.requests.slice(requests);
  expect(second!.at - first!.at).toBeGreaterThanOrEqual(options.atLeastMs);
}

/**
 * A service started on `config` (a refused credential) sends the fixture group: one attempt, not
 * retried, failed with `reason`, and `secret` is in neither the history nor the log.
 */
export async function expectRefusedOnce(
  config: string,
  options: { readonly action: string; readonly reason: string; readonly secret: string },
) {
  const service = await startTestService(config);
  try {
    const { body } = await service.post('/alert', groupBody('firing'));
    const job = jobOf(await service.untilDone(String(body.id)), options.action);
    expect(job.state).toBe('failed');
    expect(job.attempts).toHaveLength(1);
    expect(job.attempts[0]!.error).toContain(options.reason);
    const history = await fetch(`${service.url}/api/notifications/${String(body.id)}`).then((r) => r.text());
    expect(`${history}${JSON.stringify(service.logs)}`).not.toContain(options.secret);
  } finally {
    await service.stop();
  }
}
