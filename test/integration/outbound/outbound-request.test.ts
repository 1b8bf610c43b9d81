import { afterEach, describe, expect, it } from 'vitest';
import { OutboundError } from '../../../src/outbound/outbound-error.js';
import { outboundRequest, type OutboundRequest } from '../../../src/outbound/outbound-request.js';
import { startHttpStandIn } from '../../support/http-stand-in.js';
import { startStreamingStandIn, type StreamingStandIn } from '../../support/streaming-stand-in.js';

const MiB = 1024 * 1024;
let standIn: StreamingStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

async function failureOf(request: OutboundRequest): Promise<OutboundError> {
  try {
    await outboundRequest(request);
  } catch (error) {
    expect(error).toBeInstanceOf(OutboundError);
    return error as OutboundError;
  }
  throw new Error('expected an OutboundError');
}

const base = { destination: 'Prometheus', method: 'POST', body: 'query=up', timeoutMs: 30_000 } as const;

describe('the shared outbound layer', () => {
  it('stops reading a 200 MB answer at its cap and closes the connection', async () => {
    standIn = await startStreamingStandIn({ totalBytes: 200 * MiB });
    const error = await failureOf({ ...base, url: `${standIn.url}/api/v1/query`, maxResponseBytes: 10 * MiB });
    expect(error.failure).toBe('too-large');
    expect(error.message).toBe('Prometheus answer larger than 10 MiB');
    expect(error.status).toBe(200);
    await standIn.answers[0]!.finished;
    expect(standIn.answers[0]!.closedEarly).toBe(true);
    // The sender stopped well short of 200 MB: socket buffers hold a few MiB at most.
    expect(standIn.answers[0]!.bytesSent).toBeLessThan(40 * MiB);
  });

  it('refuses an answer whose Content-Length is over the cap without reading it', async () => {
    const fixed = await startHttpStandIn(() => ({ status: 200, body: 'x'.repeat(2 * MiB) }));
    try {
      const error = await failureOf({ ...base, url: fixed.url, maxResponseBytes: MiB });
      expect(error.message).toBe('Prometheus answer larger than 1 MiB');
    } finally {
      await fixed.close();
    }
  });

  it('ends an answer that trickles in forever at its deadline, not at an idle timeout', async () => {
    // 1 KiB every 20 ms: never idle, and 200 MB would take more than an hour.
    standIn = await startStreamingStandIn({ totalBytes: 200 * MiB, chunkBytes: 1024, chunkDelayMs: 20 });
    const error = await failureOf({ ...base, url: standIn.url, timeoutMs: 500, maxResponseBytes: 500 * MiB });
    expect(error.failure).toBe('timeout');
    expect(error.message).toBe('Prometheus did not answer within 500 ms');
    await standIn.answers[0]!.finished;
    expect(standIn.answers[0]!.closedEarly).toBe(true);
  });

  it("closes the request itself when the caller's signal aborts", async () => {
    standIn = await startStreamingStandIn({ totalBytes: 200 * MiB, chunkBytes: 1024, chunkDelayMs: 20 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('the enricher ran out of time')), 200);
    const error = await failureOf({ ...base, url: standIn.url, signal: controller.signal, maxResponseBytes: 500 * MiB });
    expect(error.failure).toBe('cancelled');
    expect(error.message).toBe('request to Prometheus cancelled: the enricher ran out of time');
    await standIn.answers[0]!.finished;
    expect(standIn.answers[0]!.closedEarly).toBe(true);
  });

  it('returns a small answer whole, with its status and headers', async () => {
    const small = await startHttpStandIn(() => ({ status: 429, body: 'slow down', headers: { 'retry-after': '3' } }));
    try {
      const answer = await outboundRequest({ ...base, url: small.url, maxResponseBytes: MiB });
      expect(answer).toMatchObject({ status: 429, body: 'slow down', bytes: 9 });
      expect(answer.headers['retry-after']).toBe('3');
    } finally {
      await small.close();
    }
  });
});
