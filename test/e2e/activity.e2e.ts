import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openLivePage, recordChanges, stateOf, use } from './support/page-activity.js';
import { signedInBrowsers } from './support/signed-in-browsers.js';
import { startTabsServer, type TabsServer } from './support/tabs-server.js';

// Activity the page reports, in real Chromium against the real server: a short window so a
// missed report shows within seconds (4 s + 2 s margin), and a write period the hello states.
const WINDOW = { timeoutSeconds: 4, marginSeconds: 2 };

let server: TabsServer;
const signIn = signedInBrowsers('uid', () => server?.close());

const browserOf = (uid: string) => signIn(server.url, uid);
const openPage = (context: BrowserContext, query: string) => openLivePage(context, `${server.url}/page?${query}`);

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
