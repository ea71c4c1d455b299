import { Hono } from 'hono';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COUNT_EVENT_SOURCES, eventSourceStats, launchChromium } from '../support/browser.js';
import { buildBundle, startTabsServer, type TabsServer } from './support/tabs-server.js';

let browser: Browser;
let server: TabsServer;
let context: BrowserContext;

beforeAll(async () => {
  await buildBundle();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await context?.close();
  await server?.close();
});

const TEAM = ['ada', 'bea', 'cy', 'dee', 'eve'];

async function openTabs(count: number, query: (i: number) => string, init?: string): Promise<Page[]> {
  context = await browser.newContext();
  await context.addInitScript(COUNT_EVENT_SOURCES);
  if (init) await context.addInitScript(init);
  const pages: Page[] = [];
  for (let i = 0; i < count; i += 1) {
    const page = await context.newPage();
    // `load` means the page itself got through: on HTTP/1.1 a 7th held stream would stall it.
    await page.goto(`${server.url}/page?${query(i)}`, { waitUntil: 'load', timeout: 10_000 });
    pages.push(page);
  }
  return pages;
}

const allLive = (page: Page) =>
  page.waitForFunction(
    () =>
      [...document.querySelectorAll('presence-dot')].every(
        (dot) => (dot as unknown as { status: { live: boolean } }).status.live,
      ),
    undefined,
    { timeout: 10_000 },
  );
const online = (page: Page, uid: string) =>
  page.waitForFunction(
    (u) => document.querySelector(`presence-dot[uid="${u}"]`)?.getAttribute('state') === 'online',
    uid,
    { timeout: 10_000 },
  );
const pageStreams = async (page: Page) => {
  const stats = await eventSourceStats(page);
  return stats.created - stats.closed;
};
const teamPage = (transport?: string) => (i: number) =>
  `uids=${[...TEAM, `tab-${i}`].join(',')}${transport ? `&transport=${transport}` : ''}`;

describe('one presence connection per browser, 8 tabs over HTTP/1.1', () => {
  it('SharedWorker (the default in Chromium): every tab loads and goes live, a fetch in the 8th completes, the server holds ONE stream', async () => {
    server = await startTabsServer();
    const pages = await openTabs(8, teamPage());
    for (const page of pages) await allLive(page);
    expect(await pages[7]!.evaluate(() => fetch('/ping').then((r) => r.text()))).toBe('pong');
    expect(server.presence.stats().streams).toBe(1);
    // No tab holds an EventSource of its own: the worker does.
    for (const page of pages) expect(await pageStreams(page)).toBe(0);
    expect(server.presence.stats().watchedUids).toBe(TEAM.length + 8);

    server.presence.touch('ada');
    for (const page of pages) await online(page, 'ada');
    // A closed tab's own uid leaves the union; the shared ones stay.
    await pages[3]!.close();
    await expect.poll(() => server.presence.stats().watchedUids).toBe(TEAM.length + 7);
    expect(server.presence.stats().streams).toBe(1);
  });

  it('Web Locks leader: one stream; close the leader and another tab takes over within 2 s, losing no transition', async () => {
    server = await startTabsServer();
    const pages = await openTabs(8, teamPage('leader'));
    for (const page of pages) await allLive(page);
    expect(await pages[7]!.evaluate(() => fetch('/ping').then((r) => r.text()))).toBe('pong');
    expect(server.presence.stats().streams).toBe(1);
    const leaders: Page[] = [];
    for (const page of pages) if ((await pageStreams(page)) === 1) leaders.push(page);
    expect(leaders).toHaveLength(1);

    const closedAt = Date.now();
    await leaders[0]!.close();
    // A transition while nobody holds the connection: the new leader's snapshot must carry it.
    server.presence.touch('bea');
    const rest = pages.filter((page) => page !== leaders[0]);
    await expect
      .poll(async () => (await Promise.all(rest.map(pageStreams))).reduce((a, b) => a + b, 0), {
        timeout: 2000,
        interval: 50,
      })
      .toBe(1);
    for (const page of rest) await allLive(page);
    const tookOver = Date.now() - closedAt;
    expect(tookOver).toBeLessThan(2000);
    for (const page of rest) await online(page, 'bea');
    await expect.poll(() => server.presence.stats().streams).toBe(1);
  });

  it('without SharedWorker and Web Locks each tab keeps its own stream, and it works', async () => {
    server = await startTabsServer();
    const pages = await openTabs(
      3,
      teamPage(),
      'delete window.SharedWorker; Object.defineProperty(navigator, "locks", { value: undefined });',
    );
    for (const page of pages) await allLive(page);
    for (const page of pages) expect(await pageStreams(page)).toBe(1);
    expect(server.presence.stats().streams).toBe(3);
    server.presence.touch('cy');
    for (const page of pages) await online(page, 'cy');
  });
});

describe('a multi-page site', () => {
  for (const transport of ['worker', 'tab'] as const) {
    it(`paints the next page from the last one and its stream sends no snapshot entry for unchanged uids (${transport})`, async () => {
      server = await startTabsServer();
      const uids = Array.from({ length: 20 }, (_, i) => `m${i}`);
      server.presence.touch('m3');
      const [page] = await openTabs(1, () => `uids=${uids.join(',')}&transport=${transport}`);
      await allLive(page!);
      await online(page!, 'm3');
      server.resetTraffic();

      await page!.goto(`${server.url}/page?uids=${uids.join(',')}&transport=${transport}`);
      const first = await page!
        .waitForFunction(() => (window as unknown as { __firstPaint?: unknown }).__firstPaint)
        .then((handle) => handle.jsonValue());
      // Right at first paint, from the tab's resume cache, before any frame of the new page.
      expect(first).toEqual(uids.map((uid) => ({ uid, state: uid === 'm3' ? 'online' : 'offline', live: false })));
      await allLive(page!);
      expect(server.traffic.snapshotEntries).toBe(0);
      expect(server.traffic.streams).toBe(1);
    });
  }
});

describe('client and server of different protocol versions', () => {
  it('an old client (a v1 stream URL) gets a 400 naming both versions', async () => {
    server = await startTabsServer();
    const response = await fetch(`${server.url}/presence/stream?uids=7`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('protocol_mismatch');
    expect(body.error.message).toMatch(/version 2.*version 1/);
  });

  it('a new client against an old server: one clear console error, no retry storm, the server-rendered state stays', async () => {
    // The v1 server's real answer to a parameter it does not know.
    const old = new Hono().get('/stream', (c) =>
      c.json(
        { error: { code: 'unknown_parameter', message: 'Unknown parameter `v`; expected only `uids` and `roster`.' } },
        400,
      ),
    );
    server = await startTabsServer({ presenceApp: old });
    server.presence.touch('ada');
    context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await page.goto(`${server.url}/page?uids=ada&ssr=1`);
    await expect.poll(() => errors.filter((text) => text.startsWith('presence-kit:')).length).toBe(1);
    expect(errors.find((text) => text.startsWith('presence-kit:'))).toMatch(
      /older protocol.*update @presence-kit\/server.*Unknown parameter `v`/,
    );
    await page.waitForTimeout(3000);
    // The stream once, and the one fetch that read why it was refused.
    expect(server.streamRequests).toBeLessThanOrEqual(2);
    expect(await page.getAttribute('presence-dot', 'state')).toBe('online');
  });
});
