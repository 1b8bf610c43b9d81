import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, startPostgres, type RealPostgres } from '../support/real-postgres.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { until } from '../support/until.js';

const postgres = postgresAvailable();
const CHANGE = { 'content-type': 'application/json', 'x-alertpipe-console': '1' };

/**
 * Every route that takes an id or a filter value into a store query, each given a NUL (`%00`).
 * PostgreSQL refuses a NUL in text, so asked, the query fails as if the store were down: a 503, and
 * a store that looks unhealthy. An id that holds one names nothing (404); a filter value that holds
 * one can match nothing anyone sent (400, as `?groupKey=` on the incidents API).
 */
const REQUESTS: readonly { name: string; path: string; init?: RequestInit; status: number }[] = [
  { name: 'a notification', path: '/api/notifications/a%00b', status: 404 },
  { name: "a notification's messages", path: '/api/notifications/a%00b/messages', status: 404 },
  { name: "a notification's graph", path: '/api/notifications/a%00b/graphs/f.png', status: 404 },
  { name: 'a retried job', path: '/api/jobs/a%00b/retry', init: { method: 'POST', headers: CHANGE }, status: 404 },
  {
    name: 'the route tester on a stored notification',
    path: '/api/route-test',
    init: { method: 'POST', headers: CHANGE, body: JSON.stringify({ notification: 'a\u0000b' }) },
    status: 404,
  },
  { name: "an alert's timeline", path: '/api/alerts/a%00b/timeline', status: 400 },
  { name: 'the history by receiver', path: '/api/notifications?receiver=a%00b', status: 400 },
  { name: 'the history by action', path: '/api/notifications?action=a%00b', status: 400 },
  { name: 'the history by matcher', path: `/api/notifications?matcher=${encodeURIComponent('alertname="a\u0000b"')}`, status: 400 },
];

const STORES: readonly { name: string; skip: boolean; yaml: string; env: () => Promise<NodeJS.ProcessEnv> }[] = [
  { name: 'memory', skip: false, yaml: 'delivery: {queue: memory}\n', env: async () => ({}) },
  { name: 'SQLite', skip: false, yaml: '', env: async () => ({}) },
  {
    name: 'PostgreSQL',
    skip: !postgres.available,
    yaml: '',
    env: async () => ({ DATABASE_URL: await (server ??= await startPostgres()).createDatabase() }),
  },
];
let server: RealPostgres | undefined;
afterAll(() => server?.remove());

describe.each(STORES)('a NUL in an id or a filter, on the $name store', ({ skip, yaml, env }) => {
  let app: TestService;
  beforeAll(async () => {
    if (skip) return;
    app = await startTestService(yaml, await env());
    await until(async () => (await fetch(`${app.url}/readyz`)).status === 200, 20_000, 'the store is ready');
  }, 60_000);
  afterAll(async () => app?.stop());

  it.skipIf(skip).each(REQUESTS)('$name answers $status and the store stays healthy', async ({ path, init, status }) => {
    const answer = await fetch(`${app.url}${path}`, init);
    expect(answer.status, await answer.text()).toBe(status);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    const sent = await app.post('/alert', { labels: { alertname: 'AfterNul' } });
    expect(sent.status).toBe(200);
    expect((await fetch(`${app.url}/api/notifications/${String(sent.body.id)}`)).status).toBe(200);
  });
});
