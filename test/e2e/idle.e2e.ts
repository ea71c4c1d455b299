import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openLivePage, recordChanges, stateOf, use } from './support/page-activity.js';
import { signedInBrowsers } from './support/signed-in-browsers.js';
import { startTabsServer, type TabsServer } from './support/tabs-server.js';

// Idle on, in real Chromium against the real server, in real time: a 4 s window with a 1 s
// margin, idle after 2 s without interaction, reports at most every second.
const IDLE = { timeoutSeconds: 4, marginSeconds: 1, writeSeconds: 1, idle: true, idleSeconds: 2 };

let server: TabsServer;
const signIn = signedInBrowsers('uid', () => server?.close());

const browserOf = (uid: string) => signIn(server.url, uid);
const openPage = (context: BrowserContext, query: string) => openLivePage(context, `${server.url}/page?${query}`);
const becomes = (page: Page, uid: string, state: string, timeout = 8000) =>
  expect.poll(() => stateOf(page, uid), { timeout, interval: 50 }).toBe(state);

describe('idle on: three states from what the page reports', () => {
  it('a user who stops interacting is idle after idleSeconds on another viewer’s page, and online again when they come back', async () => {
    server = await startTabsServer({ presence: IDLE });
    const ada = await openPage(await browserOf('ada'), 'uids=bob');
    const bob = await openPage(await browserOf('bob'), 'uids=ada');
    await use([ada], 1500);
    await becomes(bob, 'ada', 'online');
    const changes = await recordChanges(bob);
    await becomes(bob, 'ada', 'idle'); // no interaction: idle after 2 s (+ the margin)
    await bob.waitForTimeout(6000); // past window + margin: her page is open, so idle, never offline
    expect(await stateOf(bob, 'ada')).toBe('idle');
    await use([ada], 1000);
    await becomes(bob, 'ada', 'online', 4000);
    expect(await changes()).toEqual(['idle', 'online']);
  });

  it('a hidden tab is idle, not offline', async () => {
    server = await startTabsServer({ presence: IDLE });
    const ada = await openPage(await browserOf('ada'), 'uids=bob');
    const bob = await openPage(await browserOf('bob'), 'uids=ada');
    await use([ada], 1500);
    await becomes(bob, 'ada', 'online');
    await ada.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const using = use([ada], 9000); // events still arrive; a hidden page reports none of them
    await becomes(bob, 'ada', 'idle');
    await using;
    expect(await stateOf(bob, 'ada')).toBe('idle');
  });

  it('two devices of one user aggregate: online while either is used, idle while pages are open, offline when none is', async () => {
    server = await startTabsServer({ presence: IDLE });
    const desk = await openPage(await browserOf('ada'), 'uids=bob');
    const phone = await openPage(await browserOf('ada'), 'uids=cy');
    const bob = await openPage(await browserOf('bob'), 'uids=ada');
    const changes = await recordChanges(bob);
    const deskUse = use([desk], 6000);
    await becomes(bob, 'ada', 'online');
    await deskUse; // the phone sat untouched all along: the desk's use keeps her online
    expect(await stateOf(bob, 'ada')).toBe('online');
    expect(await changes()).not.toContain('idle');
    await becomes(bob, 'ada', 'idle');
    await desk.context().close(); // the phone's page is still open
    await bob.waitForTimeout(3000);
    expect(await stateOf(bob, 'ada')).toBe('idle');
    await phone.context().close();
    await becomes(bob, 'ada', 'away', 4000);
    expect((await changes()).slice(-2)).toEqual(['idle', 'offline']);
  });

  it('closing the last tab is offline within the margin plus a tick; a reload shows no offline at all', async () => {
    server = await startTabsServer({ presence: IDLE });
    const context = await browserOf('ada');
    const ada = await openPage(context, 'uids=bob');
    const bob = await openPage(await browserOf('bob'), 'uids=ada');
    await use([ada], 1000);
    await becomes(bob, 'ada', 'online');
    const changes = await recordChanges(bob);

    await ada.reload({ waitUntil: 'load' });
    await use([ada], 1500);
    await bob.waitForTimeout(2000);
    expect(await changes()).toEqual([]);

    const closedAt = Date.now();
    await ada.close({ runBeforeUnload: true });
    await becomes(bob, 'ada', 'away', 4000);
    // Margin (1 s) + a tick (100 ms) + the frame's way to the page, well under window + margin (5 s).
    expect(Date.now() - closedAt).toBeLessThan(2500);
  });
});
