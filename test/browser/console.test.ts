import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  chromiumAvailable,
  consoleServiceYaml,
  openConsolePage,
  postWithToken,
  SCREENSHOT_DIR,
  startConsoleSlacks,
  type ConsoleBrowser,
} from '../support/console-browser.js';
import type { FakeSlack } from '../support/fake-slack.js';
import { startTestService, type TestService } from '../support/test-service.js';

const TOKEN = 'console-test-token';
const run = chromiumAvailable();

let app: TestService;
let chat: FakeSlack;
let flaky: FakeSlack;
let browser: ConsoleBrowser;
let page: Page;
const ids: Record<string, string> = {};

function group(alertname: string, labels: Record<string, string>, status = 'firing'): object {
  return {
    version: '4',
    status,
    receiver: 'alertpipe',
    groupKey: `{}:{alertname="${alertname}"}`,
    groupLabels: { alertname },
    commonLabels: { alertname, ...labels },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    alerts: [
      {
        status,
        labels: { alertname, ...labels },
        annotations: { summary: `${alertname} on ${labels.pod ?? 'the cluster'}` },
        startsAt: '2026-11-22T12:00:00Z',
      },
    ],
  };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

const post = (body: object): Promise<string> => postWithToken(app, TOKEN, body);

describe.runIf(run)('the web console in chromium', { timeout: 30_000 }, () => {
  beforeAll(async () => {
    // Slack answers an outage with a 5xx; with max_age at 1 s the second failure dead-letters the job.
    ({ chat, flaky } = await startConsoleSlacks());
    app = await startTestService(
      consoleServiceYaml(TOKEN, 'max_age: 1s, initial_backoff: 200ms, max_backoff: 200ms', [
        'routes:',
        '  - matchers: [\'severity="critical"\']',
        '    actions: [chat]',
        '  - matchers: [\'team="db"\']',
        '    actions: [flaky]',
        'actions:',
        `  chat: { type: slack, webhook_url: "${chat.url}" }`,
        `  flaky: { type: slack, webhook_url: "${flaky.url}" }`,
      ]),
    );
    ids.crash = await post(group('KubePodCrashLooping', { severity: 'critical', namespace: 'shop', pod: 'cart-7d9f8b6c5-x2x9z' }));
    ids.disk = await post(group('PostgresDiskFilling', { team: 'db', severity: 'warning', instance: 'pg-0' }));
    ids.nowhere = await post(group('WatchdogHeartbeat', { severity: 'none' }));
    await until('the flaky job dead-lettered', async () => {
      const record = await app.service.store.getNotification(ids.disk as string);
      return record?.jobs.find((j) => j.state === 'dead');
    });
    await app.untilDone(ids.crash as string);
    ({ browser, page } = await openConsolePage(TOKEN));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await chat?.close();
    await flaky?.close();
  });

  it('lists the notifications newest first with status, group, receiver and each action outcome', async () => {
    await page.goto(`${app.url}/ui/`);
    const rows = page.locator('table.list tbody tr');
    await rows.first().waitFor();
    await until('three rows', async () => ((await rows.count()) === 3 ? true : undefined));
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')))).toEqual([ids.nowhere, ids.disk, ids.crash]);
    const crash = page.locator(`tr[data-id="${ids.crash}"]`);
    expect(await crash.innerText()).toContain('chat: delivered');
    expect(await crash.innerText()).toContain('firing');
    expect(await crash.innerText()).toContain('alertpipe');
    // Named by the alert and its key labels, not by Alertmanager's raw group key.
    expect(await crash.locator('td.group').innerText()).toBe('KubePodCrashLooping · namespace=shop pod=cart-7d9f8b6c5-x2x9z');
    expect(await page.locator('table.list').innerText()).not.toContain('{}:{');
    expect(await page.locator(`tr[data-id="${ids.disk}"]`).innerText()).toContain('flaky: dead-lettered');
    expect(await page.locator(`tr[data-id="${ids.nowhere}"]`).innerText()).toContain('no route matched');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'notifications.png'), fullPage: true });
  });

  it('shows a notification that arrives while the page is open, without a reload', async () => {
    const id = await post(group('KubeNodeNotReady', { severity: 'critical', node: 'worker-3' }));
    await page.locator(`tr[data-id="${id}"]`).waitFor({ timeout: 10_000 });
    expect(await page.locator('table.list tbody tr').first().getAttribute('data-id')).toBe(id);
  });

  it('names the receiver of an alert posted without Alertmanager', async () => {
    const bare = await post({ labels: { alertname: 'BareAlert', severity: 'critical', namespace: 'shop' } });
    const row = page.locator(`tr[data-id="${bare}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.locator('td[data-label="Receiver"]').innerText()).toBe('direct (no Alertmanager)');
    expect(await row.locator('td.group').innerText()).toBe('BareAlert · namespace=shop');
  });

  it('opens a notification by clicking anywhere on its row, or with Enter on the focused row', async () => {
    await page.locator(`tr[data-id="${ids.crash}"] td.group`).click();
    await page.getByText('Alerts (1)').waitFor();
    expect(page.url()).toContain(`#/n/${ids.crash}`);
    await page.goBack();
    const row = page.locator(`tr[data-id="${ids.disk}"]`);
    await row.focus();
    await row.press('Enter');
    await page.getByText('instance=pg-0', { exact: true }).waitFor();
    expect(page.url()).toContain(`#/n/${ids.disk}`);
    await page.goto(`${app.url}/ui/`);
  });

  it('filters by a label matcher and by outcome, with the keyboard, the filter kept in the address', async () => {
    await page.locator('table.list tbody tr').first().waitFor();
    await page.getByLabel('Label matcher').fill('{team="db"}');
    await page.getByLabel('Label matcher').press('Enter');
    await until('one row', async () => ((await page.locator('table.list tbody tr').count()) === 1 ? true : undefined));
    expect(await page.locator('table.list tbody tr').getAttribute('data-id')).toBe(ids.disk);
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe('#/?matcher={team="db"}');
    // The address alone gives the same view (a shared link), and the back button undoes the filter.
    const shared = await (await browser.context({ username: 'alertpipe', password: TOKEN })).newPage();
    await shared.goto(page.url());
    await until('the shared view filtered', async () => ((await shared.locator('table.list tbody tr').count()) === 1 ? true : undefined));
    expect(await shared.getByLabel('Label matcher').inputValue()).toBe('{team="db"}');
    await shared.close();
    await page.goBack();
    await until('unfiltered again', async () => ((await page.locator('table.list tbody tr').count()) > 1 ? true : undefined));
    expect(await page.getByLabel('Label matcher').inputValue()).toBe('');
    await page.goForward();
    await until('filtered again', async () => ((await page.locator('table.list tbody tr').count()) === 1 ? true : undefined));
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Outcome').selectOption('delivered');
    await page.getByRole('button', { name: 'Apply' }).click();
    await until('only delivered', async () => {
      const shown = await page.locator('table.list tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')));
      return shown.length >= 1 && !shown.includes(ids.disk as string) && shown.includes(ids.crash as string) ? true : undefined;
    });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'filtered.png'), fullPage: true });
    await page.getByRole('button', { name: 'Clear' }).click();
  });

  it('opens a notification: labels, the route taken, every attempt and the message sent', async () => {
    await page.goto(`${app.url}/ui/#/n/${ids.disk}`);
    const article = page.locator('article');
    await article.getByText('Alerts (1)').waitFor();
    const text = await article.innerText();
    expect(text).toContain('instance=pg-0');
    expect(text).toMatch(/route 1: \{team="db"\} → flaky/);
    expect(text).toContain('dead-lettered');
    expect(text).toContain('503');
    await page.getByText('Message to flaky').click();
    // Each attempt's message as it went out, and beside it the preview, marked as one.
    const sent = article.getByRole('region', { name: 'sent to flaky' });
    expect(await sent.locator('details summary').count()).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(await sent.locator('details[open] pre.sent').innerText()).text).toContain('PostgresDiskFilling');
    const preview = article.getByRole('region', { name: 'preview for flaky' });
    expect(await preview.innerText()).toContain('rendered again now, not what was sent');
    expect(await preview.locator('pre').innerText()).toContain('PostgresDiskFilling');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'notification.png'), fullPage: true });
  });

  it('follows one alert over time: received, routed, each attempt, dead-lettered', async () => {
    await page.getByRole('link', { name: 'timeline' }).click();
    const timeline = page.locator('ol.timeline');
    await timeline.locator('li').first().waitFor();
    const kinds = await timeline.locator('li strong').allInnerTexts();
    expect(kinds[0]).toBe('received');
    expect(kinds).toContain('routed');
    expect(kinds.filter((k) => k === 'attempt').length).toBeGreaterThanOrEqual(2);
    expect(kinds.at(-1)).toBe('dead');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'timeline.png'), fullPage: true });
  });

  it('retries a dead letter from the page and sees it delivered', async () => {
    flaky.failWith(undefined);
    await page.getByRole('link', { name: 'Dead letters' }).click();
    const row = page.locator('tr[data-job]').first();
    await row.waitFor();
    // A dead letter names its alerts and its group.
    expect(await row.locator('td[data-label="Alerts"]').innerText()).toBe('PostgresDiskFilling (1)');
    expect(await row.locator('td[data-label="Group"]').innerText()).toBe('PostgresDiskFilling · instance=pg-0');
    await row.getByRole('button', { name: /Retry/ }).click();
    await until('delivered to the recovered stand-in', async () => (flaky.accepted.length > 0 ? true : undefined));
    expect(flaky.accepted[0]?.text).toContain('PostgresDiskFilling');
    await page.goto(
      `${app.url}/ui/#/alert/${(await app.service.store.getNotification(ids.disk as string))?.notification.alerts[0]?.fingerprint}`,
    );
    await until('the timeline ends delivered', async () => {
      await page.reload();
      const kinds = await page.locator('ol.timeline li strong').allInnerTexts();
      return kinds.includes('retried') && kinds.at(-1) === 'delivered' ? true : undefined;
    });
  });

  it('tests routes for a pasted payload without sending anything', async () => {
    const before = chat.accepted.length;
    await page.getByRole('link', { name: 'Route tester' }).click();
    await page
      .getByLabel('Payload (JSON, any shape alertpipe takes)')
      .fill(JSON.stringify(group('KubeQuotaExceeded', { severity: 'critical', namespace: 'shop' })));
    await page.getByRole('button', { name: 'Test routes' }).click();
    const result = page.getByRole('region', { name: 'Route test result' });
    await result.waitFor();
    const text = await result.innerText();
    expect(text).toContain('chat (slack) · route 0');
    expect(text).toContain('KubeQuotaExceeded');
    expect(chat.accepted.length).toBe(before);
  });

  it('is readable in the dark colour scheme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${app.url}/ui/`);
    await page.locator('table.list tbody tr').first().waitFor();
    const background = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    expect(background).toBe('rgb(13, 17, 23)');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'notifications-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('refuses the page and its API without credentials', async () => {
    const anonymous = await (await browser.context()).newPage();
    // Headless, with no one to type a password, chromium gives up on the Basic challenge.
    await expect(anonymous.goto(`${app.url}/ui/`)).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
    expect((await anonymous.request.get(`${app.url}/ui/`)).status()).toBe(401);
    for (const url of ['/ui/', '/ui/app.js', '/ui/vendor/preact.mjs', '/api/notifications', `/api/alerts/x/timeline`]) {
      expect((await fetch(`${app.url}${url}`)).status).toBe(401);
    }
    expect(
      (
        await fetch(`${app.url}/api/jobs/x/retry`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-alertpipe-console': '1' },
        })
      ).status,
    ).toBe(401);
    await anonymous.close();
  });
});
