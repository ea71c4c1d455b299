import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openLivePage, stateOf, use } from './support/page-activity.js';
import { signedInBrowsers } from './support/signed-in-browsers.js';
import { startTabsServer, type TabsServer } from './support/tabs-server.js';

// Browsers whose clocks are 10 minutes off the server's, idle on, in real Chromium: the pages
// go by the server's time from its frames, and the reports by a clock that never jumps.
const IDLE = { timeoutSeconds: 4, marginSeconds: 1, writeSeconds: 2, idle: true, idleSeconds: 2 };

/** Every `Date` in the page reads `ms` off (the leader-tab transport: the connection lives in a page too). */
const skewedDate = (ms: number) => `(() => {
  const Real = Date;
  class Skewed extends Real {
    constructor(...args) { super(...(args.length > 0 ? args : [Real.now() + ${ms}])); }
    static now() { return Real.now() + ${ms}; }
  }
  globalThis.Date = Skewed;
})()`;

let server: TabsServer;
const signIn = signedInBrowsers('uid', () => server?.close());

async function skewedBrowser(uid: string, ms: number): Promise<BrowserContext> {
  const context = await signIn(server.url, uid);
  await context.addInitScript(skewedDate(ms));
  return context;
}
const labelOf = (page: Page, uid: string) =>
  page.getAttribute(`presence-dot[uid="${uid}"] >> [part="dot"]`, 'aria-label');

describe('a browser clock 10 minutes off the server', () => {
  it('reports once per period, and shows someone idle as "idle", not "idle for 10m"', async () => {
    server = await startTabsServer({ presence: IDLE });
    const ada = await openLivePage(
      await skewedBrowser('ada', -10 * 60_000),
      `${server.url}/page?uids=bob&transport=leader`,
    );
    const bob = await openLivePage(
      await skewedBrowser('bob', 10 * 60_000),
      `${server.url}/page?uids=ada&transport=leader`,
    );
    expect(await ada.evaluate(() => new Date().getTime() - performance.timeOrigin - performance.now())).toBeLessThan(
      -9 * 60_000,
    );
    const before = server.activityReports;
    await use([ada], 6000);
    // One at the first interaction, then one per 2 s period.
    expect(server.activityReports - before).toBeGreaterThanOrEqual(3);
    expect(server.activityReports - before).toBeLessThanOrEqual(4);
    await expect.poll(() => stateOf(bob, 'ada'), { timeout: 2000 }).toBe('online');
    expect(await labelOf(bob, 'ada')).toBe('online');
    await expect.poll(() => stateOf(bob, 'ada'), { timeout: 8000, interval: 100 }).toBe('idle');
    expect(await labelOf(bob, 'ada')).toBe('idle');
    // Ada's own page, 10 minutes slow, says the same of Bob (active at his page load, idle since).
    await expect.poll(() => stateOf(ada, 'bob'), { timeout: 8000, interval: 100 }).toBe('idle');
    expect(await labelOf(ada, 'bob')).toBe('idle');
  });
});
