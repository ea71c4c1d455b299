import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { buildBundle, startTabsServer, type TabsServer } from './support/tabs-server.js';

// Activity the page reports, in real Chromium against the real server: a short window so a
// missed report shows within seconds (4 s + 2 s margin), and a write period the hello states.
const WINDOW = { timeoutSeconds: 4, marginSeconds: 2 };

let browser: Browser;
let server: TabsServer;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  await buildBundle();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
  await server?.close();
});

/** A browser (its own context: cookies, SharedWorker) signed in as `uid`. */
async function browserOf(uid: string): Promise<BrowserContext> {
  const context = await browser.newContext();
  contexts.push(context);
  await context.addCookies([{ name: 'uid', value: uid, url: server.url }]);
  return context;
}

async function openPage(context: BrowserContext, query: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.url}/page?${query}`, { waitUntil: 'load', timeout: 10_000 });
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('presence-dot')].every(
        (dot) => (dot as unknown as { status: { live: boolean } }).status.live,
      ),
    undefined,
    { timeout: 10_000 },
  );
  return page;
}

const stateOf = (page: Page, uid: string) => page.getAttribute(`presence-dot[uid="${uid}"]`, 'state');

/** The person uses the page for `ms`: the pointer moves and a key is pressed, with no request of the page's own. */
async function use(pages: Page[], ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (let i = 0; Date.now() < until; i += 1) {
    const page = pages[i % pages.length]!;
    await page.mouse.move(10 + (i % 7) * 20, 10 + (i % 3) * 20);
    if (i % 5 === 0) await page.keyboard.press('Shift');
    await page.waitForTimeout(150);
  }
}

/** Every change of `uid`'s state the page announces (`presence-change`'s `state`). */
async function recordChanges(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __changes: string[] }).__changes = seen;
    document.addEventListener('presence-change', (event) => seen.push((event as unknown as { state: string }).state));
  });
  return () => page.evaluate(() => (window as unknown as { __changes: string[] }).__changes);
}

describe('a single-page app: activity the page reports', () => {
  it('keeps a user who interacts without requests online on another viewer’s page, past window + margin', async () => {
    server = await startTabsServer({ presence: { ...WINDOW, writeSeconds: 1 } });
    const ada = await openPage(await browserOf('ada'), 'uids=bob');
    const bob = await openPage(await browserOf('bob'), 'uids=ada');
    await expect.poll(() => stateOf(bob, 'ada'), { timeout: 5000 }).toBe('online'); // her page load
    const changes = await recordChanges(bob);
    await use([ada], 10_000); // well past the 6 s after which requests alone would grey her
    expect(await stateOf(bob, 'ada')).toBe('online');
    expect(await changes()).toEqual([]);
    expect(server.activityReports).toBeGreaterThanOrEqual(5);
  });

  it('with <meta name="presence-activity" content="off"> the same user goes grey after window + margin, as before', async () => {
    server = await startTabsServer({ presence: { ...WINDOW, writeSeconds: 1 } });
    const ada = await openPage(await browserOf('ada'), 'uids=bob&activity=off');
    const bob = await openPage(await browserOf('bob'), 'uids=ada');
    await expect.poll(() => stateOf(bob, 'ada'), { timeout: 5000 }).toBe('online');
    const using = use([ada], 9000);
    await expect.poll(() => stateOf(bob, 'ada'), { timeout: 9000, interval: 100 }).toBe('away');
    await using;
    expect(server.activityReports).toBe(0);
  });

  for (const transport of ['worker', 'leader'] as const) {
    it(`ten tabs of one browser send one report per write period between them (${transport})`, async () => {
      server = await startTabsServer({ presence: { ...WINDOW, writeSeconds: 2 } });
      const context = await browserOf('ada');
      const tabs: Page[] = [];
      for (let i = 0; i < 10; i += 1) tabs.push(await openPage(context, `uids=bob,t${i}&transport=${transport}`));
      await expect.poll(() => server.presence.stats().streams).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 2100)); // a period with nobody interacting
      expect(server.activityReports).toBe(0);
      await use(tabs, 6000); // every tab is used, in turn
      // One at the first interaction, then one per 2 s period: 4 at most, where a report per tab would be 30.
      expect(server.activityReports).toBeGreaterThanOrEqual(3);
      expect(server.activityReports).toBeLessThanOrEqual(4);
    });
  }
});

describe('leaving: the last tab’s connection closes with it', () => {
  for (const transport of ['worker', 'leader', 'tab'] as const) {
    it(`closes the server's stream within a second of the browser's last tab closing (${transport})`, async () => {
      server = await startTabsServer({ presence: WINDOW });
      const context = await browserOf('ada');
      const query = `uids=bob&transport=${transport}`;
      const tabs = [await openPage(context, query), await openPage(context, query)];
      await expect.poll(() => server.presence.stats().streams).toBe(transport === 'tab' ? 2 : 1);
      await tabs[0]!.close();
      await expect.poll(() => server.presence.stats().streams).toBeGreaterThanOrEqual(1);
      const closedAt = Date.now();
      await tabs[1]!.close({ runBeforeUnload: true });
      await expect.poll(() => server.presence.stats().streams, { timeout: 1000, interval: 25 }).toBe(0);
      expect(Date.now() - closedAt).toBeLessThan(1000);
    });
  }
});

describe('idle and leaving on a server with idle on (the server half of issue 13)', () => {
  // Idle after max(window, idleSeconds) + margin = 6 s without interaction, with a page open.
  const IDLE = { ...WINDOW, writeSeconds: 1, idleSeconds: 3 };

  /** Makes the page hidden as a tab in the background is: interactions there report nothing. */
  const hide = (page: Page) =>
    page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });

  it('shows a hidden tab idle, not offline, and its user online again once they use a visible tab', async () => {
    server = await startTabsServer({ presence: IDLE });
    const ada = await openPage(await browserOf('ada'), 'uids=bob');
    const bob = await openPage(await browserOf('bob'), 'uids=ada');
    await expect.poll(() => stateOf(bob, 'ada'), { timeout: 5000 }).toBe('online');
    const changes = await recordChanges(bob);
    await hide(ada);
    await use([ada], 8000); // the pointer moves over a hidden tab: nothing is reported
    await expect.poll(() => stateOf(bob, 'ada'), { timeout: 3000 }).toBe('idle');
    await new Promise((resolve) => setTimeout(resolve, 6000)); // past window + margin: still idle
    expect(await stateOf(bob, 'ada')).toBe('idle');
    const back = await openPage(await browserOf('ada'), 'uids=bob'); // her other device, visible
    await use([back], 1500);
    await expect.poll(() => stateOf(bob, 'ada'), { timeout: 3000 }).toBe('online');
    expect(await changes()).toEqual(['idle', 'online']);
  }, 40_000);

  it('aggregates two devices, never shows a reload, and shows the last page closing within the margin', async () => {
    server = await startTabsServer({ presence: IDLE });
    const laptop = await openPage(await browserOf('ada'), 'uids=bob');
    const phone = await openPage(await browserOf('ada'), 'uids=bob');
    const bob = await openPage(await browserOf('bob'), 'uids=ada');
    await expect.poll(() => stateOf(bob, 'ada'), { timeout: 5000 }).toBe('online');
    const changes = await recordChanges(bob);
    await use([laptop], 8000); // one device used, the other open and untouched: online
    expect(await stateOf(bob, 'ada')).toBe('online');
    await expect.poll(() => stateOf(bob, 'ada'), { timeout: 8000 }).toBe('idle'); // neither used
    await laptop.close({ runBeforeUnload: true }); // the phone's page is still open: still idle
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(await changes()).toEqual(['idle']);
    await phone.reload({ waitUntil: 'load' }); // a request, so activity: online, and never offline
    await expect.poll(() => stateOf(bob, 'ada'), { timeout: 3000 }).toBe('online');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const closedAt = Date.now();
    await phone.close({ runBeforeUnload: true });
    await expect.poll(() => stateOf(bob, 'ada'), { timeout: 5000, interval: 50 }).toBe('away');
    // The 2 s margin, a tick, and the closing written within a quarter of the margin (1 s); the
    // window alone would keep her 6 s past the reload, 5 s past this close.
    expect(Date.now() - closedAt).toBeLessThan(4000);
    expect(await changes()).toEqual(['idle', 'online', 'offline']);
  }, 40_000);
});
