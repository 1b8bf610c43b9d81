import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { malformedRequests } from '../support/malformed-bodies.js';
import { fixtureText } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { reportFigure } from '../support/figures.js';

let app: TestService;
beforeAll(async () => {
  app = await startTestService();
});
afterAll(() => app.stop());

describe('1,000 generated malformed bodies', () => {
  it('each gets a 4xx with a message, none a 5xx, and the process stays healthy throughout', async () => {
    const requests = malformedRequests(1000);
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let healthChecks = 0;
    // Ten at a time; a health check after every batch.
    for (let start = 0; start < requests.length; start += 10) {
      await Promise.all(
        requests.slice(start, start + 10).map(async (request, offset) => {
          const response = await fetch(`${app.url}/alert`, {
            method: 'POST',
            headers: { 'content-type': request.contentType },
            body: request.body,
          });
          const text = await response.text();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const body = JSON.parse(text) as { status?: string; error?: string };
          if (response.status < 400 || response.status >= 500 || body.status !== 'error' || !body.error) {
            failures.push(`#${start + offset} (${request.kind}): ${response.status} ${text.slice(0, 200)}`);
          }
        }),
      );
      const health = await fetch(`${app.url}/healthz`);
      expect(health.status).toBe(200);
      healthChecks++;
    }
    reportFigure('malformed input', {
      requests: requests.length,
      answers: Object.fromEntries([...statuses].sort()),
      fiveHundreds: [...statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0),
      healthChecks,
    });
    expect(failures).toEqual([]);
    expect({} as Record<string, unknown>).not.toHaveProperty('polluted');
    expect((await app.post('/alert', fixtureText('singleAlert'))).status).toBe(200);
  });
});
