import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpStandIn, type HttpStandIn } from '../../support/http-stand-in.js';
import { postgresAvailable, startPostgres, type RealPostgres } from '../../support/real-postgres.js';
import { startTestService, type TestService } from '../../support/test-service.js';

const postgres = postgresAvailable();

describe.skipIf(!postgres.available)('alertpipe on PostgreSQL when PostgreSQL goes away', () => {
  let server: RealPostgres;
  let receiver: HttpStandIn;
  const services: TestService[] = [];

  beforeAll(async () => {
    server = await startPostgres();
    receiver = await startHttpStandIn(() => ({ status: 200, body: 'ok' }));
  });
  afterAll(async () => {
    for (const service of services) await service.stop();
    await receiver?.close();
    server?.remove();
  });

  async function start(url: string): Promise<TestService> {
    const yaml = [
      'actions:',
      `  hook: { type: webhook, url: "${receiver.url}/hook", timeout: 2s }`,
      'routes:',
      '  - actions: [hook]',
      'delivery:',
      '  initial_backoff: 200ms',
      '',
    ].join('\n');
    const service = await startTestService(yaml, { DATABASE_URL: url });
    services.push(service);
    return service;
  }

  const alert = (name: string) => ({ labels: { alertname: name } });
  const readyz = async (app: TestService) => {
    const response = await fetch(`${app.url}/readyz`);
    return { status: response.status, body: (await response.json()) as { failing?: Record<string, string> } };
  };
  const delivered = (name: string) => receiver.requests.filter((r) => r.body.includes(`"${name}"`)).length;
  async function until(check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('starts while the database is unreachable, says so, refuses with 503, and serves once it is up', async () => {
    const url = await server.createDatabase();
    server.stop();
    const app = await start(url);
    await app.waitForLog((l) => l.message === 'PostgreSQL not reachable; ingest answers 503 until it is', 10_000);
    const refused = await app.post('/alert', alert('BeforeStart'));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('10');
    const notReady = await readyz(app);
    expect(notReady.status).toBe(503);
    expect(notReady.body.failing?.store).toMatch(/PostgreSQL unavailable: .*ECONNREFUSED/);

    server.start();
    await until(async () => (await readyz(app)).status === 200);
    expect((await app.post('/alert', alert('AfterStart'))).status).toBe(200);
    await until(() => delivered('AfterStart') === 1);
    expect(delivered('BeforeStart')).toBe(0);
  }, 60_000);

  it('answers 503 while the database is down, never 200, and delivers what it acknowledged before, without a restart', async () => {
    const app = await start(await server.createDatabase());
    await until(async () => (await readyz(app)).status === 200);
    // Acknowledged, then the database goes away before (some of) them are delivered.
    receiver.respondWith(() => ({ status: 200, body: 'ok', delayMs: 300 }));
    const acknowledged: string[] = [];
    for (let i = 0; i < 10; i++) if ((await app.post('/alert', alert(`Kept${i}`))).status === 200) acknowledged.push(`Kept${i}`);
    expect(acknowledged).toHaveLength(10);
    server.stop();
    receiver.respondWith(() => ({ status: 200, body: 'ok' }));

    const during = await Promise.all(Array.from({ length: 5 }, (_, i) => app.post('/alert', alert(`During${i}`))));
    expect(during.map((r) => r.status)).toEqual([503, 503, 503, 503, 503]);
    expect(during[0]!.headers.get('retry-after')).toBe('10');
    await until(async () => (await readyz(app)).status === 503);
    expect((await readyz(app)).body.failing?.store).toMatch(/PostgreSQL/);

    server.start();
    await until(async () => (await readyz(app)).status === 200);
    expect((await app.post('/alert', alert('After'))).status).toBe(200);
    await until(() => acknowledged.every((name) => delivered(name) >= 1) && delivered('After') === 1, 60_000);
    for (let i = 0; i < 5; i++) expect(delivered(`During${i}`)).toBe(0);
  }, 120_000);
});
