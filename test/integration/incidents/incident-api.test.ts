import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentJson } from '../../../src/http/incidents/incident-json.js';
import { seedEpisode } from '../../support/incident-episodes.js';
import { startTestService, type TestService } from '../../support/test-service.js';

const TOKEN = 'incident-api-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const CHANGE = { ...AUTH, 'content-type': 'application/json', 'x-alertpipe-console': '1' };

let app: TestService;

interface Person {
  name: string;
  from?: string;
  until?: string;
}
/** The answers' fields these tests read. */
interface Answer {
  status: string;
  error?: string;
  issues?: unknown[];
  incident: IncidentJson;
  incidents: IncidentJson[];
  schedules: Array<{ name: string; timeZone?: string; now: Person | null; next: Person | null; error?: string }>;
}

async function get(path: string, headers: Record<string, string> = AUTH) {
  const response = await fetch(`${app.url}${path}`, { headers });
  return { status: response.status, body: (await response.json()) as Answer };
}

async function command(id: string, name: string, body = '', headers: Record<string, string> = CHANGE) {
  const response = await fetch(`${app.url}/api/incidents/${encodeURIComponent(id)}/${name}`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as Answer };
}

const stateOf = async (id: string) => (await get(`/api/incidents/${id}`)).body.incident.state as string;

beforeAll(async () => {
  app = await startTestService(
    [
      'server:',
      `  auth: { bearer_token: ${TOKEN} }`,
      'people:',
      '  alice: { email: alice@example.com }',
      '  bob: { email: bob@example.com }',
      'schedules:',
      '  primary:',
      '    time_zone: Europe/Berlin',
      "    rotation: { participants: [alice, bob], shift: 1w, handoff: 'monday 09:00' }",
      '  secondary:',
      // Nothing listens on port 1: the calendar cannot be read, and the answer must say so.
      '    ical: http://127.0.0.1:1/secondary.ics',
    ].join('\n'),
  );
}, 30_000);
afterAll(async () => {
  await app.stop();
});

describe('the incidents API', () => {
  it('asks for the history API credentials on every route', async () => {
    const incident = await seedEpisode(app.service.store, { alertname: 'AuthCheck' });
    for (const path of ['/api/incidents', `/api/incidents/${incident.id}`, '/api/oncall']) expect((await get(path, {})).status).toBe(401);
    const { authorization: _, ...unsigned } = CHANGE;
    expect((await command(incident.id, 'acknowledge', '', unsigned)).status).toBe(401);
    expect((await command(incident.id, 'acknowledge', '', { ...CHANGE, authorization: 'Bearer wrong' })).status).toBe(401);
    expect(await stateOf(incident.id)).toBe('triggered');
  });

  it('lists open episodes with their step, the next one due and who was paged', async () => {
    const incident = await seedEpisode(app.service.store, { alertname: 'ListCheck', notified: ['alice', 'bob'] });
    const { status, body } = await get('/api/incidents');
    expect(status).toBe(200);
    const listed = body.incidents.find((i) => i.id === incident.id) as IncidentJson;
    expect(listed).toMatchObject({
      groupKey: '{}:{alertname="ListCheck"}',
      policy: 'page-critical',
      state: 'triggered',
      step: 1,
      nextStep: 2,
      nextStepAt: new Date(incident.nextStepAt as number).toISOString(),
      acknowledgedBy: null,
      resolvedAt: null,
      runs: [{ step: 1, actions: ['slack-alerts'], notified: ['alice', 'bob'] }],
    });
    expect(Date.parse(listed.startedAt ?? '')).toBe(incident.startedAt);
  });

  it('refuses an unknown state filter, a bad limit and a repeated state with a 400', async () => {
    for (const query of ['state=closed', 'state=', 'limit=0', 'limit=many', 'state=open&state=all']) {
      const { status, body } = await get(`/api/incidents?${query}`);
      expect(status, query).toBe(400);
      expect(body.status).toBe('error');
    }
    expect((await get('/api/incidents?state=closed')).body.error).toContain('open, triggered, acknowledged, resolved, all');
  });

  it('answers 404 for an episode it does not know, read or changed', async () => {
    expect((await get('/api/incidents/no-such-episode')).status).toBe(404);
    for (const name of ['acknowledge', 'unacknowledge', 'resolve']) {
      const { status, body } = await command('no-such-episode', name);
      expect(status).toBe(404);
      expect(body.error).toBe('no episode with id no-such-episode');
    }
  });

  it('refuses a change from another site, or sent as a form, and changes nothing', async () => {
    const incident = await seedEpisode(app.service.store, { alertname: 'CrossSite' });
    const { 'x-alertpipe-console': _, ...noHeader } = CHANGE;
    expect((await command(incident.id, 'acknowledge', '', noHeader)).status).toBe(403);
    expect(
      (await command(incident.id, 'acknowledge', 'by=mallory', { ...CHANGE, 'content-type': 'application/x-www-form-urlencoded' })).status,
    ).toBe(415);
    expect((await command(incident.id, 'resolve', '', { ...CHANGE, origin: 'https://evil.example' })).status).toBe(403);
    expect((await command(incident.id, 'resolve', '', { ...CHANGE, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(await stateOf(incident.id)).toBe('triggered');
  });

  it('refuses a bad body with a 400 that says what is wrong, and changes nothing', async () => {
    const incident = await seedEpisode(app.service.store, { alertname: 'BadBody' });
    for (const body of ['{"by": 5}', '{"By": "carol"}', '{"by": "  "}', '["carol"]', '{"by": "carol"', 'null']) {
      const answer = await command(incident.id, 'acknowledge', body);
      expect(answer.status, body).toBe(400);
      expect(answer.body.status).toBe('error');
    }
    expect((await command(incident.id, 'acknowledge', '{"By": "carol"}')).body.issues).toEqual([
      expect.objectContaining({ message: expect.stringContaining('By') }),
    ]);
    expect(await stateOf(incident.id)).toBe('triggered');
  });

  it('acknowledges, then unacknowledges, then resolves, answering 409 for a move the state does not allow', async () => {
    const incident = await seedEpisode(app.service.store, { alertname: 'Walk' });
    const unack = await command(incident.id, 'unacknowledge');
    expect(unack.status).toBe(409);
    expect(unack.body.error).toBe(`cannot unacknowledge episode ${incident.id}: it is triggered`);

    const ack = await command(incident.id, 'acknowledge', '{"by": "carol"}');
    expect(ack.status).toBe(200);
    expect(ack.body.incident).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: { id: 'bearer token', name: 'carol', via: 'api' },
      nextStepAt: null,
      nextStep: null,
    });
    const again = await command(incident.id, 'acknowledge');
    expect(again.status).toBe(409);
    expect(again.body.error).toBe(`cannot acknowledge episode ${incident.id}: it is acknowledged by carol (api)`);
    expect(again.body.incident.state).toBe('acknowledged');

    expect((await command(incident.id, 'unacknowledge')).body.incident.state).toBe('triggered');
    const resolved = await command(incident.id, 'resolve', '{"by": "dave"}');
    expect(resolved.status).toBe(200);
    expect(resolved.body.incident).toMatchObject({ state: 'resolved', resolvedBy: { name: 'dave', via: 'api' } });
    expect(Date.parse(resolved.body.incident.resolvedAt ?? '')).toBeGreaterThan(0);
    expect((await command(incident.id, 'resolve')).status).toBe(409);

    const ids = async (state: string) => (await get(`/api/incidents?state=${state}`)).body.incidents.map((i) => i.id);
    expect(await ids('open')).not.toContain(incident.id);
    expect(await ids('resolved')).toContain(incident.id);
    expect(await ids('all')).toContain(incident.id);
    // Who did what is in the history of the episode's latest notification, through IncidentControl.
    const record = await app.service.store.getNotification(incident.notificationId);
    // (Delivery routes the seeded notification meanwhile: its `routed` event is not of interest here.)
    expect(record?.events.filter((e) => e.by !== undefined).map((e) => `${e.kind} ${e.by?.name ?? ''} ${e.by?.via ?? ''}`)).toEqual([
      'acknowledged carol api',
      'unacknowledged bearer token api',
      'incident-resolved dave api',
    ]);
  });

  it('takes a change from the console page as via console', async () => {
    const incident = await seedEpisode(app.service.store, { alertname: 'FromConsole' });
    const ack = await command(incident.id, 'acknowledge', '{}', { ...CHANGE, 'sec-fetch-site': 'same-origin' });
    expect(ack.body.incident.acknowledgedBy).toEqual({ id: 'bearer token', name: 'bearer token', via: 'console' });
  });
});

describe('GET /api/oncall', () => {
  it('says who is on call now, until when and who is next, and which schedule cannot answer', async () => {
    const before = Date.now();
    const { status, body } = await get('/api/oncall');
    expect(status).toBe(200);
    const [primary, secondary] = body.schedules;
    if (!primary?.now || secondary === undefined) throw new Error(`no answer for both schedules: ${JSON.stringify(body)}`);
    expect(primary.name).toBe('primary');
    expect(primary.timeZone).toBe('Europe/Berlin');
    expect(['alice', 'bob']).toContain(primary.now.name);
    const until = Date.parse(primary.now.until ?? '');
    // A weekly shift: it ends within the week, on a Monday at 09:00 in Berlin.
    expect(until).toBeGreaterThan(before);
    expect(until - before).toBeLessThanOrEqual(7 * 24 * 3600_000);
    expect(
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'long', hour: '2-digit', minute: '2-digit' }).format(until),
    ).toBe('Monday 09:00');
    expect(primary.next).toEqual({ name: primary.now.name === 'alice' ? 'bob' : 'alice', from: primary.now.until });
    expect(secondary).toMatchObject({ name: 'secondary', now: null, next: null });
    expect(secondary.error).toMatch(/secondary/);
  });
});
