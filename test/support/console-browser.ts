import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { findBinary } from './binaries.js';

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
