import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binariesAvailable } from '../support/binaries.js';
import { fixtureText } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/test-service.js';

const tools = binariesAvailable('promtool');

describe.skipIf(!tools.available)('metrics format (needs promtool)', () => {
  let app: TestService;
  beforeAll(async () => {
    app = await startTestService();
    await app.post('/alert', fixtureText('alertmanagerGroup'));
    await app.post('/alert', 'not json');
    await app.waitForLog((l) => l.message === 'action succeeded');
  });
  afterAll(() => app.stop());

  it('passes promtool check metrics', async () => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(result.stderr + result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});
