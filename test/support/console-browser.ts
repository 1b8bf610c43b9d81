import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { findBinary } from './binaries.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import type { TestService } from './test-service.js';

const CHROMIUM = '/usr/bin/chromium';
/** Screenshots of each run; the directory is ignored by git. */
export const SCREENSHOT_DIR = path.resolve('test-output/console');

/**
 * Whether Debian's chromium is there. A developer's run without it skips the browser tests and
 * says how to install it; under CI (CI set) it must be there.
 */
export function chromiumAvailable(): boolean {
  if (findBinary('chromium') !== undefined || findBinary(CHROMIUM) !== undefined) return true;
  const reason = 'chromium not found; install it with: sudo apt-get install chromium';
  if (process.env.CI) throw new Error(`CI must run the browser tests: ${reason}`);
  console.warn(`skipping: ${reason}`);
  return false;
}

export interface ConsoleBrowser {
  readonly browser: Browser;
  /** A context signed in with these credentials (HTTP Basic, answered when challenged). */
  context(credentials?: { username: string; password: string }): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * Headless chromium kept off the network: it only reaches what a test serves on loopback. Each
 * launch gets a fresh temporary profile (what `launch` does; it removes it on close).
 */
export async function launchConsoleBrowser(): Promise<ConsoleBrowser> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    context: (credentials) => browser.newContext(credentials ? { httpCredentials: credentials } : {}),
    close: () => browser.close(),
  };
}

/**
 * The two Slack stand-ins the console's scenes send to: `chat` takes every message, `flaky`
 * answers each with a 503, as Slack does in an outage (with a short `max_age`, a dead letter).
 */
export async function startConsoleSlacks(): Promise<{ chat: FakeSlack; flaky: FakeSlack }> {
  const chat = await startFakeSlack();
  const flaky = await startFakeSlack();
  flaky.failWith({ status: 503, body: 'service_unavailable' });
  return { chat, flaky };
}

/** A console scene's config: ingest and the console behind the bearer token `token`, its `delivery` fields, then the lines given. */
export function consoleServiceYaml(token: string, delivery: string, lines: readonly string[]): string {
  return ['server:', `  auth: { bearer_token: ${token} }`, `delivery: { ${delivery} }`, ...lines].join('\n');
}

/** Posts a body to ingest with the bearer token; the notification's id. */
export async function postWithToken(app: TestService, token: string, body: object): Promise<string> {
  const answer = await app.post('/alert', body, { 'content-type': 'application/json', authorization: `Bearer ${token}` });
  expect(answer.status).toBe(200);
  return String(answer.body.id);
}

/** Chromium with one page signed in to the console as the service's Basic user, whose password is the token. */
export async function openConsolePage(token: string): Promise<{ browser: ConsoleBrowser; page: Page }> {
  const browser = await launchConsoleBrowser();
  const page = await (await browser.context({ username: 'alertpipe', password: token })).newPage();
  return { browser, page };
}
