import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Incident } from '../../src/store/ports/incidents.js';
import { chromiumAvailable, launchConsoleBrowser, SCREENSHOT_DIR, type ConsoleBrowser } from '../support/console-browser.js';
import { seedEpisode } from '../support/incident-episodes.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { until } from '../support/until.js';

const USER = { username: 'oncall', password: 'incident-console-secret' };
const BASIC = `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`;
const run = chromiumAvailable();

let app: TestService;
let browser: ConsoleBrowser;
let page: Page;
let crash: Incident;
let disk: Incident;

const row = (incident: Incident) => page.locator(`tr[data-incident="${incident.id}"]`);

describe.runIf(run)('the console incidents page in chromium', { timeout: 30_000 }, () => {
  beforeAll(async () => {
    app = await startTestService(
      [
        'server:',
        `  auth: { basic: { username: ${USER.username}, password: ${USER.password} } }`,
        'people:',
        '  alice: { name: Alice Liddell, email: alice@example.com }',
        '  bob: { email: bob@example.com }',
        'schedules:',
        '  primary:',
        '    time_zone: Europe/Berlin',
        "    rotation: { participants: [alice, bob], shift: 1d, handoff: '09:00' }",
      ].join('\n'),
    );
    crash = await seedEpisode(app.service.store, { alertname: 'KubePodCrashLooping', notified: ['alice'] });
    disk = await seedEpisode(app.service.store, { alertname: 'PostgresDiskFilling', notified: ['bob'] });
    browser = await launchConsoleBrowser();
    page = await (await browser.context(USER)).newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('lists the open episodes: state, the step reached, the next one due, who was paged', async () => {
    await page.goto(`${app.url}/ui/`);
    await page.getByRole('link', { name: 'Incidents' }).click();
    await row(crash).waitFor();
    const text = await row(crash).innerText();
    expect(text).toContain('{}:{alertname="KubePodCrashLooping"}');
    expect(text).toContain('page-critical');
    expect(text).toContain('triggered');
    expect(text).toContain('step 1');
    expect(text).toContain(`step 2 due ${await page.evaluate((at) => new Date(at).toLocaleString(), crash.nextStepAt as number)}`);
    expect(text).toContain('alice');
    expect(await row(disk).innerText()).toContain('bob');
    // Only what the state allows is offered.
    expect(await row(crash).getByRole('button').allInnerTexts()).toEqual(['Acknowledge', 'Resolve']);
  });

  it('acknowledges from the console, and the row says by whom, as the store does', async () => {
    await page.getByLabel('Your name').fill('erin');
    await row(crash).getByRole('button', { name: 'Acknowledge' }).click();
    await until(
      async () => (await row(crash).locator('.state').innerText()).startsWith('acknowledged by erin (console)'),
      10_000,
      'acknowledged row',
    );
    const stored = await app.service.store.getIncident(crash.id);
    expect(stored?.state).toBe('acknowledged');
    expect(stored?.acknowledged?.by).toEqual({ id: USER.username, name: 'erin', via: 'console' });
    expect(await row(crash).innerText()).toContain('no step due');
    expect(await row(crash).getByRole('button').allInnerTexts()).toEqual(['Unacknowledge', 'Resolve']);
    // The other episode is untouched.
    expect(await row(disk).locator('.state').innerText()).toBe('triggered');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'incidents.png'), fullPage: true });
  });

  it('says why a command was refused, and shows an acknowledgement made elsewhere without a reload', async () => {
    // The page's reads are held back, so that its row is stale when the button is pressed.
    const listing = (url: URL) => url.pathname === '/api/incidents';
    await page.route(listing, (route) => route.abort());
    const answer = await fetch(`${app.url}/api/incidents/${disk.id}/acknowledge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-alertpipe-console': '1', authorization: BASIC },
      body: '{"by": "frank"}',
    });
    expect(answer.status).toBe(200);
    expect(await row(disk).locator('.state').innerText()).toBe('triggered');
    await row(disk).getByRole('button', { name: 'Acknowledge' }).click();
    await row(disk).getByRole('status').getByText(`cannot acknowledge episode ${disk.id}: it is acknowledged by frank (api)`).waitFor();
    await page.unroute(listing);
    await until(
      async () => (await row(disk).locator('.state').innerText()).startsWith('acknowledged by frank (api)'),
      10_000,
      'row updated',
    );
    expect((await app.service.store.getIncident(disk.id))?.acknowledged?.by.name).toBe('frank');
  });

  it('unacknowledges, then resolves, and the resolved episode leaves the open list', async () => {
    await row(crash).getByRole('button', { name: 'Unacknowledge' }).click();
    await until(async () => (await row(crash).locator('.state').innerText()) === 'triggered', 10_000, 'triggered again');
    expect((await app.service.store.getIncident(crash.id))?.state).toBe('triggered');
    await row(crash).getByRole('button', { name: 'Resolve' }).click();
    await until(async () => (await row(crash).count()) === 0, 10_000, 'gone from the open list');
    expect((await app.service.store.getIncident(crash.id))?.resolved?.by).toEqual({ id: USER.username, name: 'erin', via: 'console' });
    await page.getByLabel('Show').selectOption('resolved');
    await until(async () => (await row(crash).count()) === 1, 10_000, 'in the resolved list');
    expect(await row(crash).locator('.state').innerText()).toContain('resolved by erin (console)');
    expect(await row(crash).getByRole('button').count()).toBe(0);
    await page.getByLabel('Show').selectOption('open');
  });

  it('shows who is on call now, until when, and who is next', async () => {
    const oncall = page.locator('tr[data-schedule="primary"]');
    await oncall.waitFor();
    const expected = (await (await fetch(`${app.url}/api/oncall`, { headers: { authorization: BASIC } })).json()) as {
      schedules: Array<{ now: { name: string; until: string }; next: { name: string; from: string } }>;
    };
    const [primary] = expected.schedules;
    if (primary === undefined) throw new Error('no primary schedule in /api/oncall');
    const display = (name: string) => (name === 'alice' ? 'Alice Liddell' : name);
    const cells = await oncall.locator('td').allInnerTexts();
    const local = (iso: string) => page.evaluate((at) => new Date(at).toLocaleString(), iso);
    expect(cells).toEqual([
      display(primary.now.name),
      await local(primary.now.until),
      `${display(primary.next.name)} from ${await local(primary.next.from)}`,
    ]);
    expect(primary.next.name).not.toBe(primary.now.name);
  });
});
