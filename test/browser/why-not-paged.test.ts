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
import { freePort } from '../support/child-service.js';
import type { FakeSlack } from '../support/fake-slack.js';
import { blockActionsPayload, signedInteraction, startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api.js';
import { startAlertmanager, webhookAlertmanagerConfig, type RealAlertmanager } from '../support/real-alertmanager.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { until } from '../support/until.js';

const TOKEN = 'why-test-token';
const SIGNING_SECRET = 'why-test-signing-secret';
const run = chromiumAvailable();

let app: TestService;
let chat: FakeSlack;
let flaky: FakeSlack;
let slack: FakeSlackApi;
let am: RealAlertmanager;
let browser: ConsoleBrowser;
let page: Page;
const ids: Record<string, string> = {};

function group(alertname: string, labels: Record<string, string>): object {
  return {
    version: '4',
    status: 'firing',
    receiver: 'alertpipe',
    groupKey: `{}:{alertname="${alertname}"}`,
    groupLabels: { alertname },
    commonLabels: { alertname, ...labels },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    alerts: [{ status: 'firing', labels: { alertname, ...labels }, annotations: {}, startsAt: '2026-12-03T09:00:00Z' }],
  };
}

const post = (body: object): Promise<string> => postWithToken(app, TOKEN, body);

/** What a user does: from the first page, open the notification's row, then its alert's timeline. */
async function whyFromFirstPage(id: string): Promise<string[]> {
  await page.goto(`${app.url}/ui/`);
  const row = page.locator(`tr[data-id="${id}"]`);
  await row.waitFor();
  await row.locator('td[data-label="Status"]').click();
  await page.getByRole('link', { name: 'timeline' }).first().click();
  const verdicts = page.locator(`.verdicts > li[data-notification="${id}"] li.verdict`);
  await verdicts.first().waitFor();
  return verdicts.allInnerTexts();
}

describe.runIf(run)('why was nobody paged: found from the console’s first page, in chromium', { timeout: 30_000 }, () => {
  beforeAll(async () => {
    ({ chat, flaky } = await startConsoleSlacks());
    slack = await startFakeSlackApi();
    const port = await freePort();
    am = await startAlertmanager(webhookAlertmanagerConfig(`http://127.0.0.1:${port}/alert`));
    app = await startTestService(
      consoleServiceYaml(TOKEN, 'max_age: 1s, initial_backoff: 200ms, max_backoff: 200ms, dedup_window: 1h', [
        'routes:',
        '  - matchers: [\'severity="critical"\']',
        '    actions: [oncall]',
        '  - matchers: [\'severity="warning"\']',
        '    actions: [chat]',
        '  - matchers: [\'team="db"\']',
        '    actions: [flaky]',
        'actions:',
        `  oncall: { type: slack, bot_token: ${slack.token}, channel: C0ALERTS1, api_url: "${slack.url}", signing_secret: ${SIGNING_SECRET}, alertmanager_url: "${am.url}" }`,
        `  chat: { type: slack, webhook_url: "${chat.url}" }`,
        `  flaky: { type: slack, webhook_url: "${flaky.url}" }`,
      ]),
      {},
      { port },
    );
    ids.nowhere = await post(group('WatchdogHeartbeat', { severity: 'none' }));
    ids.quota = await post(group('KubeQuotaExceeded', { severity: 'warning', namespace: 'shop' }));
    await app.untilDone(ids.quota as string);
    ids.quotaAgain = await post(group('KubeQuotaExceeded', { severity: 'warning', namespace: 'shop' }));
    ids.disk = await post(group('PostgresDiskFilling', { team: 'db', instance: 'pg-0' }));
    ids.crash = await post(group('KubePodCrashLooping', { severity: 'critical', namespace: 'shop', pod: 'cart-7d9f8b6c5-x2x9z' }));
    for (const id of [ids.nowhere, ids.quotaAgain, ids.crash]) await app.untilDone(id as string);
    await until(
      async () => (await app.service.store.getNotification(ids.disk as string))?.jobs[0]?.state === 'dead',
      15_000,
      'dead-lettered',
    );
    // Someone silences the crash loop from its Slack message, with the message's own button.
    await until(() => slack.topLevel().length > 0, 10_000, 'the Slack message');
    const message = slack.topLevel()[0]!;
    const signed = signedInteraction(SIGNING_SECRET, blockActionsPayload(message, 'silence_1h'));
    expect((await fetch(`${app.url}/slack/interactions`, { method: 'POST', headers: signed.headers, body: signed.body })).status).toBe(200);
    await until(
      async () => (await app.service.store.getNotification(ids.crash as string))?.events.some((e) => e.kind === 'silenced') === true,
      10_000,
      'the silence in the history',
    );
    ({ browser, page } = await openConsolePage(TOKEN));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await am?.stop();
    await slack?.close();
    await chat?.close();
    await flaky?.close();
  });

  it('no route: names the routes tried', async () => {
    const why = await whyFromFirstPage(ids.nowhere as string);
    expect(why).toEqual([
      'No message: no route matched this alert, so no action received it. Routes tried: route 0: {severity="critical"}; route 1: {severity="warning"}; route 2: {team="db"}.',
    ]);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'why-unrouted.png') });
  });

  it('deduplicated: links the notification that went out', async () => {
    const why = await whyFromFirstPage(ids.quotaAgain as string);
    expect(why).toHaveLength(1);
    expect(why[0]).toMatch(/^Not sent to chat again: deduplicated\. The same alert in the same state already went to it/);
    await page.getByRole('link', { name: 'the notification that went out' }).click();
    await page.getByText('Alerts (1)').waitFor();
    expect(page.url()).toContain(`#/n/${ids.quota}`);
    expect(chat.accepted).toHaveLength(1);
  });

  it('silenced from Slack: says by whom and until when', async () => {
    const why = await whyFromFirstPage(ids.crash as string);
    expect(why[0]).toMatch(
      /^Silenced from Slack by alice \(U0ALICE01\) at \S+ until \S+ \(alertname="KubePodCrashLooping", .*\): Alertmanager sends no notification of these alerts meanwhile\.$/,
    );
    expect(why[1]).toMatch(/^Delivered to oncall \(posted.*\) after 1 attempt\.$/);
    await page.setViewportSize({ width: 900, height: 640 });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'why-silenced.png') });
  });

  it('dead-lettered: says where, after how many attempts, and the last error', async () => {
    const why = await whyFromFirstPage(ids.disk as string);
    // Retries of a failing Slack webhook meet its pace: those waits are said too, before the end.
    for (const wait of why.slice(0, -1)) expect(wait).toMatch(/^Held by flaky's rate limit until \S+\.$/);
    expect(why.at(-1)).toMatch(/^Dead-lettered at flaky after \d+ attempts: .*503.*\. Retry it from Dead letters\.$/);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await page.evaluate<string>('getComputedStyle(document.body).backgroundColor')).toBe('rgb(13, 17, 23)');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'why-dead-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('is usable on a phone: no sideways scrolling, rows as cards that open their notification', async () => {
    const phone = await (
      await browser.browser.newContext({
        httpCredentials: { username: 'alertpipe', password: TOKEN },
        viewport: { width: 390, height: 800 },
        isMobile: true,
        hasTouch: true,
      })
    ).newPage();
    await phone.goto(`${app.url}/ui/`);
    const row = phone.locator(`tr[data-id="${ids.disk}"]`);
    await row.waitFor();
    const fits = async (): Promise<boolean> =>
      phone.evaluate<boolean>('document.documentElement.scrollWidth <= document.documentElement.clientWidth');
    expect(await fits()).toBe(true);
    // The filters start folded, so that the first screen shows notifications.
    expect(await phone.getByLabel('Label matcher').isVisible()).toBe(false);
    expect(
      await phone.evaluate<string>(`getComputedStyle(document.querySelector('tr[data-id="${ids.disk}"] td.group'), '::before').content`),
    ).toBe('"Group: "');
    await phone.screenshot({ path: path.join(SCREENSHOT_DIR, 'phone-list.png') });
    await row.locator('td.group').tap();
    await phone.getByText('Alerts (1)').waitFor();
    expect(await fits()).toBe(true);
    await phone.getByRole('link', { name: 'timeline' }).tap();
    await phone.locator('.verdicts li.verdict').first().waitFor();
    expect(await fits()).toBe(true);
    await phone.screenshot({ path: path.join(SCREENSHOT_DIR, 'phone-timeline.png') });
    await phone.close();
  });
});
