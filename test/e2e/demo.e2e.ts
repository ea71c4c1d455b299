import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNT_EVENT_SOURCES, eventSourceStats, launchChromium } from '../support/browser.js';
import { waitForElements } from './support/pages.js';
import { REPO, startDemo, type RunningDemo } from './support/demo-server.js';
import { checkLayout } from './support/layout.js';
import { screenshotDir } from './support/screenshots.js';

// A short window so "B stops" turns into grey dots within seconds: 3 s + 2 s margin.
const WINDOW = { timeoutSeconds: 3, marginSeconds: 2 };
// The light theme's dot colours, as the demo sets them: a filled green dot, a grey ring.
const GREEN = 'rgb(31, 136, 61)';
const GREY = 'rgb(110, 119, 129)';

let demo: RunningDemo;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function signedInPage(
  uid: string,
  path: string,
): Promise<{ page: Page; context: BrowserContext; streams: string[] }> {
  const context = await browser.newContext({ colorScheme: 'light', viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  await context.addInitScript(COUNT_EVENT_SOURCES);
  const page = await context.newPage();
  const streams: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/presence/stream') streams.push(request.url());
  });
  await page.goto(`${demo.url}/signin?as=${uid}&next=${encodeURIComponent(path)}`);
  await waitForElements(page);
  return { page, context, streams };
}

/** How user `uid` looks in the page: every dot's state and colour, and whether the roster lists them. */
function shownAs(page: Page, uid: string) {
  return page.evaluate((uid) => {
    const dots = [...document.querySelectorAll(`presence-dot[uid="${uid}"]`)];
    const roster = document.querySelector('online-now');
    const items = [...(roster?.shadowRoot?.querySelectorAll('[part~="item"]:not(.leave)') ?? [])];
    return {
      dots: dots.length,
      states: [...new Set(dots.map((d) => d.getAttribute('state')))],
      // The colour that marks the dot: the fill when online, the ring otherwise.
      colors: [
        ...new Set(
          dots.map((d) => {
            const style = getComputedStyle(d.shadowRoot!.querySelector('[part~="dot"]')!);
            return d.getAttribute('state') === 'online' ? style.backgroundColor : style.borderTopColor;
          }),
        ),
      ],
      inRoster: roster ? roster.people.some((p) => p.uid === uid) : null,
      rosterItems: items.map((i) => i.querySelector('[part~="avatar"]')?.getAttribute('title')),
    };
  }, uid);
}

/** Waits in the page until every dot of `uid`, its colour and the roster show them online (or not). */
async function waitUntilShown(page: Page, uid: string, online: boolean, timeout: number): Promise<void> {
  await page.waitForFunction(
    ({ uid, online, green, grey }) => {
      const dots = [...document.querySelectorAll(`presence-dot[uid="${uid}"]`)];
      const roster = document.querySelector('online-now');
      const colorOk = dots.every((d) => {
        const style = getComputedStyle(d.shadowRoot!.querySelector('[part~="dot"]')!);
        return online ? style.backgroundColor === green : style.borderTopColor === grey;
      });
      const rosterOk = !roster || roster.people.some((p) => p.uid === uid) === online;
      return (
        dots.length > 0 && colorOk && rosterOk && dots.every((d) => (d.getAttribute('state') === 'online') === online)
      );
    },
    { uid, online, green: GREEN, grey: GREY },
    { timeout, polling: 100 },
  );
}

/** The words the profile header's `<presence-status>` shows (its shadow label). */
const profileLabel = (page: Page) =>
  page.evaluate(
    () =>
      document.querySelector('.profile__status presence-status')?.shadowRoot?.querySelector('[part~="label"]')
        ?.textContent ?? null,
  );

async function waitForLabel(page: Page, text: string, timeout: number): Promise<void> {
  await page.waitForFunction(
    (text) =>
      document.querySelector('.profile__status presence-status')?.shadowRoot?.querySelector('[part~="label"]')
        ?.textContent === text,
    text,
    { timeout, polling: 100 },
  );
}

beforeAll(async () => {
  [demo, browser] = await Promise.all([startDemo({ ...WINDOW, crowd: false }), launchChromium()]);
});

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
  await browser?.close();
  if (demo) {
    // SIGTERM must end every stream and close the database, then exit 0.
    const code = await demo.stop();
    expect(code, demo.output()).toBe(0);
  }
});

describe('the demo in Chromium', () => {
  it('shows B coming online in A’s page, live, and leaving again after B stops', async () => {
    const a = await signedInPage('ada', '/');
    const profile = await a.context.newPage();
    await profile.goto(`${demo.url}/u/grace`);
    await waitForElements(profile);
    await a.page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    const before = await shownAs(a.page, 'grace');
    expect(before.dots).toBeGreaterThanOrEqual(3); // a post, a comment's author… and the message list
    expect(before).toMatchObject({ states: ['offline'], colors: [GREY], inRoster: false });
    expect(await profileLabel(profile)).toBe('offline');

    // B signs in and loads the feed: one real page view is activity.
    const b = await signedInPage('grace', '/');
    await waitUntilShown(a.page, 'grace', true, 10_000);
    const during = await shownAs(a.page, 'grace');
    expect(during).toMatchObject({ states: ['online'], colors: [GREEN], inRoster: true });
    expect(during.rosterItems).toContain('Grace Hopper');
    await waitForLabel(profile, 'online', 5_000);

    // B stops: no more requests. After the window and margin the dots turn grey and B leaves the panel.
    await b.context.close();
    await waitUntilShown(a.page, 'grace', false, WINDOW.timeoutSeconds * 1000 + WINDOW.marginSeconds * 1000 + 10_000);
    const after = await shownAs(a.page, 'grace');
    expect(after).toMatchObject({ states: ['away'], colors: [GREY], inRoster: false });
    expect(after.rosterItems).not.toContain('Grace Hopper');
    await waitForLabel(profile, 'last seen just now', 5_000);

    // All of it arrived over the page's stream: the page was never reloaded.
    expect(await a.page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);

    // One presence connection for the whole page, however many avatars it shows: the shared worker's.
    const dotCount = await a.page.locator('presence-dot').count();
    expect(dotCount).toBeGreaterThan(20);
    expect(await eventSourceStats(a.page)).toMatchObject({
      created: 0,
      closed: 0,
      workers: [expect.stringMatching(/\/assets\/presence-worker-[\w-]+\.js$/)],
    });
    await a.context.close();
  });

  it('holds exactly one presence connection on the gallery, with dozens of live and frozen elements', async () => {
    const { page, streams } = await signedInPage('ada', '/gallery');
    const counts = await page.evaluate(() => ({
      dots: document.querySelectorAll('presence-dot').length,
      labels: document.querySelectorAll('presence-status').length,
      rosters: document.querySelectorAll('online-now').length,
    }));
    expect(counts.dots + counts.labels).toBeGreaterThan(60);
    expect(counts.rosters).toBeGreaterThan(5);
    // Every store on the page talks to the one shared worker (its own file in the demo's build), which holds the stream.
    await page.waitForFunction(() =>
      [...document.querySelectorAll('presence-dot')].some(
        (dot) => (dot as unknown as { status: { live: boolean } }).status.live,
      ),
    );
    expect(await eventSourceStats(page)).toMatchObject({
      created: 0,
      closed: 0,
      workers: [expect.stringMatching(/\/assets\/presence-worker-[\w-]+\.js$/)],
    });
    // The page itself never opened a stream (the worker's requests are not the page's).
    expect(streams).toHaveLength(0);
  });

  it('makes a simulated user active through the simulator panel, and lets them idle', async () => {
    const { page } = await signedInPage('ada', '/simulator');
    await expect(page.locator('[data-window-timeout]').innerText()).resolves.toBe('3 s');
    await expect(page.locator('[data-window-margin]').innerText()).resolves.toBe('2 s');

    await page.getByRole('button', { name: 'Make Linus Park active' }).click();
    await waitUntilShown(page, 'linus', true, 10_000);
    await expect(page.locator('[data-sim-user="linus"] [data-sim-activity]').innerText()).resolves.toBe('browsing');

    await page.getByRole('button', { name: 'Let Linus Park idle' }).click();
    await waitUntilShown(page, 'linus', false, 20_000);
    await expect(page.locator('[data-sim-user="linus"] [data-sim-activity]').innerText()).resolves.toBe('idle');
  });

  it('documents every --presence-* property and every part of the elements with a live example', async () => {
    const sources = readdirSync(join(REPO, 'packages/elements/src')).filter((f) => f.endsWith('.ts'));
    const text = sources.map((f) => readFileSync(join(REPO, 'packages/elements/src', f), 'utf8')).join('\n');
    const properties = [...new Set(text.match(/--presence-[a-z-]+[a-z]/g))].sort();
    const parts = new Set<string>();
    for (const f of sources) {
      const tag = /static (?:override )?define\(tag = '([a-z-]+)'/.exec(
        readFileSync(join(REPO, 'packages/elements/src', f), 'utf8'),
      )?.[1];
      const source = readFileSync(join(REPO, 'packages/elements/src', f), 'utf8');
      for (const m of source.matchAll(/@csspart ([a-z-]+)/g)) parts.add(`${tag ?? f}::part(${m[1]})`);
    }
    const html = await (await fetch(`${demo.url}/gallery`)).text();
    const documented = new Set([...html.matchAll(/data-property="([^"]+)"/g)].map((m) => m[1]));
    const documentedParts = new Set([...html.matchAll(/data-part="([^"]+)"/g)].map((m) => m[1]));
    expect(properties.length).toBeGreaterThan(10);
    expect(properties.filter((p) => !documented.has(p))).toEqual([]);
    expect([...parts].filter((p) => !documentedParts.has(p))).toEqual([]);
  });

  it('saves screenshots of the feed, the gallery (light and dark) and a profile, with sane layout', async () => {
    const dir = screenshotDir();
    const { page } = await signedInPage('ada', '/');
    // A few people online so the screenshots show both states.
    for (const uid of ['grace', 'linus', 'margaret', 'radia']) {
      const res = await page.request.post(`${demo.url}/api/simulator/active`, { data: { uid } });
      expect(res.status()).toBe(200);
    }
    await waitUntilShown(page, 'radia', true, 10_000);

    const shots = [
      { name: 'feed', path: '/' },
      { name: 'gallery-light', path: '/gallery?theme=light' },
      { name: 'gallery-dark', path: '/gallery?theme=dark' },
      { name: 'profile', path: '/u/grace' },
      { name: 'conversation', path: '/messages/grace' },
      { name: 'simulator', path: '/simulator' },
    ];
    for (const shot of shots) {
      await page.goto(`${demo.url}${shot.path}`);
      await waitForElements(page);
      await page.waitForFunction(() => document.fonts.ready.then(() => true));
      const layout = await checkLayout(page);
      expect(layout.problems, `${shot.name}: ${layout.problems.join('\n')}`).toEqual([]);
      expect(layout.dots, `${shot.name}: dots measured`).toBeGreaterThan(shot.name === 'profile' ? 1 : 10);
      if (shot.name !== 'feed') expect(layout.labels, `${shot.name}: labels measured`).toBeGreaterThan(0);
      await page.screenshot({ path: join(dir, `${shot.name}.png`), fullPage: true });
    }
    console.log(`e2e screenshots saved in ${dir}`);
    await page.request.post(`${demo.url}/api/simulator/idle-all`);
  });
});
