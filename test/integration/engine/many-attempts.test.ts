import { afterEach, describe, expect, it } from 'vitest';
import { startHttpStandIn, type HttpStandIn } from '../../support/http-stand-in.js';
import { startTestService, type TestService } from '../../support/test-service.js';

let service: TestService | undefined;
let receiver: HttpStandIn | undefined;
afterEach(async () => {
  await service?.stop();
  await receiver?.close();
  service = undefined;
  receiver = undefined;
});

describe('many attempts at once', () => {
  it('runs sixteen attempts together without warning of a listener leak', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(`${warning.name}: ${warning.message}`);
    };
    process.on('warning', onWarning);
    try {
      // Each answer waits, so that all sixteen attempts (concurrency 4 × 4) are running at once.
      receiver = await startHttpStandIn(() => ({ status: 200, body: 'ok', delayMs: 400 }));
      service = await startTestService(
        [
          `delivery: { concurrency: 4 }`,
          'actions:',
          `  hook: { type: webhook, url: "${receiver.url}/hook" }`,
          'routes:',
          '  - actions: [hook]',
        ].join('\n'),
      );
      for (let i = 0; i < 16; i++) {
        const answer = await service.post('/alert', { labels: { alertname: `Storm${i}` } });
        expect(answer.status).toBe(200);
      }
      await receiver.waitForRequests(16, 10_000);
      // Node reports the warning on the next turn after the eleventh listener.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(warnings.filter((w) => w.includes('MaxListenersExceeded'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
