import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, startPostgres, type RealPostgres } from '../../support/real-postgres.js';
import { seedEpisode } from '../../support/incident-episodes.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { until } from '../../support/until.js';

const postgres = postgresAvailable();
const CHANGE = { 'content-type': 'application/json', 'x-alertpipe-console': '1' };

describe.skipIf(!postgres.available)('the incidents API on PostgreSQL', () => {
  let server: RealPostgres;
  let app: TestService;
  beforeAll(async () => {
    server = await startPostgres();
    app = await startTestService('', { DATABASE_URL: await server.createDatabase() });
    await until(async () => (await fetch(`${app.url}/readyz`)).status === 200, 20_000, 'the store connected');
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    server?.remove();
  });

  it('answers an id or group key PostgreSQL cannot hold as unknown or bad, and the store stays healthy', async () => {
    const incident = await seedEpisode(app.service.store, { alertname: 'OnPostgres' });
    // PostgreSQL refuses a NUL in text: asked, it would fail the query, and the store would look down.
    expect((await fetch(`${app.url}/api/incidents/a%00b`)).status).toBe(404);
    expect((await fetch(`${app.url}/api/incidents/a%00b/acknowledge`, { method: 'POST', headers: CHANGE })).status).toBe(404);
    expect((await fetch(`${app.url}/api/incidents/${'x'.repeat(300)}`)).status).toBe(404);
    expect((await fetch(`${app.url}/api/incidents?groupKey=%00`)).status).toBe(400);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    const ack = await fetch(`${app.url}/api/incidents/${incident.id}/acknowledge`, { method: 'POST', headers: CHANGE });
    expect(ack.status).toBe(200);
    expect((await app.service.store.getIncident(incident.id))?.state).toBe('acknowledged');
  });
});
