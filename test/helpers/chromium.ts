import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

/** Debian's chromium package; CHROMIUM_PATH points elsewhere (a CI image, a local Chrome). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// On this closed network Chromium's own background connections (updates, sync, QUIC probes) are
// refused and slow or break the launch; these switches keep it from trying.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Runs `fn` with a headless Chromium and always closes it. Each launch gets a fresh temporary
 * user-data dir (playwright-core creates one per `launch` and deletes it on close), so no cookies,
 * cache or profile state leak between tests.
 */
export async function withChromium<T>(fn: (browser: Browser) => Promise<T>): Promise<T> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}
