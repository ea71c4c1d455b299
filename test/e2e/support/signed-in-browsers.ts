import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchChromium } from '../../support/browser.js';
import { buildBundle } from './tabs-server.js';

/**
 * One Chromium for a test file (the elements' bundle built first), and a browser (a context of
 * its own: cookies, SharedWorker) per person, signed in by the `cookie` the test server reads.
 * After each test every context closes, then the server (`closeServer`).
 */
export function signedInBrowsers(
  cookie: string,
  closeServer: () => Promise<void> | undefined,
): (url: string, user: string) => Promise<BrowserContext> {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    await buildBundle();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    // A context a test already closed (its last tab gone) closes again harmlessly.
    for (const context of contexts.splice(0)) await context.close().catch(() => {});
    await closeServer();
  });
  return async (url, user) => {
    const context = await browser!.newContext();
    contexts.push(context);
    await context.addCookies([{ name: cookie, value: user, url }]);
    return context;
  };
}
