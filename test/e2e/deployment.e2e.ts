import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { recordChanges, stateOf, use } from './support/page-activity.js';
import { startProxiedSite, type ProxiedSite } from './support/proxied-site.js';
import { bar, events, typingText } from './support/room-page.js';
import { signedInBrowsers } from './support/signed-in-browsers.js';

// The newest features as a site deploys them: the standalone server behind a front proxy that
// signs people in (X-Forwarded-User), appends X-Forwarded-For and pools keep-alive upstream
// connections; uids are UUIDs and rooms are named after documents. A 4 s window, 1 s margin,
// so reports every 2 s; a room keeps a member 1 s after their last page there closed.
const SHORT = {
  PRESENCE_TIMEOUT_SECONDS: '4',
  PRESENCE_ONLINE_MARGIN_SECONDS: '1',
  PRESENCE_ROOM_GRACE_SECONDS: '1',
};

let site: ProxiedSite;
const signIn = signedInBrowsers('user', () => site?.close());

async function openDoc(context: BrowserContext, room: string, dots: string[] = []): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${site.url}/doc?room=${encodeURIComponent(room)}&uids=${dots.join(',')}`, { waitUntil: 'load' });
  return page;
}
const shows = (page: Page, names: string[], timeout = 5000) => expect.poll(() => bar(page), { timeout }).toEqual(names);
/** Runs `body` in the page with `room`, the page's store's handle for `name`. */
const inRoom = (page: Page, name: string, body: string) =>
  page.evaluate<unknown>(
    `import('/presence-kit.js').then(({ getPresenceStore }) => { const room = getPresenceStore('/presence').room(${JSON.stringify(name)}); ${body} })`,
  );

describe('behind a keep-alive reverse proxy, UUID users in a document’s room', () => {
  it('the bar, typing, activity reports and leaving all pass through the proxy', async () => {
    site = await startProxiedSite(SHORT);
    const [ada, bea] = [randomUUID(), randomUUID()];
    const room = `doc:${randomUUID()}`;
    const adaPage = await openDoc(await signIn(site.url, ada), room, [bea]);
    const beaPage = await openDoc(await signIn(site.url, bea), room);
    const both = [ada, bea].sort();
    await shows(
      adaPage,
      both.map((uid) => (uid === ada ? `${uid}*` : uid)),
    );
    expect(site.openStreams).toBe(2);

    await inRoom(beaPage, room, 'room.typing();');
    await expect.poll(() => typingText(adaPage), { timeout: 3000 }).toBe(`${bea} is typing…`);

    // Past window + margin with no request of her page's own: only her reports, through the proxy, keep her green.
    const changes = await recordChanges(adaPage);
    await use([beaPage], 6000);
    expect(await stateOf(adaPage, bea)).toBe('online');
    expect(await changes()).toEqual([]);
    expect(site.activityReports).toBeGreaterThanOrEqual(2);

    await beaPage.close();
    await expect.poll(() => site.openStreams, { timeout: 1000, interval: 25 }).toBe(1);
    await shows(adaPage, [`${ada}*`]);
    await expect.poll(() => stateOf(adaPage, bea), { timeout: 3000 }).toBe('away');
    expect(await events(adaPage)).toEqual([`presence-join ${bea}`, `presence-leave ${bea}`]);
    expect((await site.members(room)).count).toBe(1);
  });
});

describe('eight tabs of one browser in one room, idle on', () => {
  it('one stream and one report per period; one avatar; closing tabs shows no leave until the last, then she leaves after the grace', async () => {
    site = await startProxiedSite({ ...SHORT, PRESENCE_IDLE_SECONDS: '2' });
    const [ada, bea] = [randomUUID(), randomUUID()];
    const room = `doc:${randomUUID()}`;
    const watcher = await openDoc(await signIn(site.url, bea), room, [ada]);
    const changes = await recordChanges(watcher);
    const context = await signIn(site.url, ada);
    const tabs: Page[] = [];
    for (let i = 0; i < 8; i += 1) tabs.push(await openDoc(context, room, [bea]));
    await expect.poll(() => bar(watcher).then((names) => names.length), { timeout: 5000 }).toBe(2);
    expect(site.openStreams).toBe(2); // hers and the watcher's

    const before = site.activityReports;
    await use(tabs, 4000);
    // One at the first interaction, then one per 2 s period: 3 at most, where a report per tab would be 24.
    expect(site.activityReports - before).toBeGreaterThanOrEqual(2);
    expect(site.activityReports - before).toBeLessThanOrEqual(3);

    for (const tab of tabs.slice(0, -1)) {
      await tab.close();
      await watcher.waitForTimeout(250);
    }
    // Idle now (no interaction for 2 s), never gone: a page of hers is still open.
    await expect.poll(() => stateOf(watcher, ada), { timeout: 8000 }).toBe('idle');
    expect(await bar(watcher)).toHaveLength(2);
    expect(await events(watcher)).toEqual([`presence-join ${ada}`]);

    const closedAt = Date.now();
    await tabs.at(-1)!.close();
    await expect.poll(() => bar(watcher), { timeout: 4000 }).toEqual([`${bea}*`]);
    await expect.poll(() => stateOf(watcher, ada), { timeout: 4000 }).toBe('away');
    // The grace (1 s) and the margin (1 s), each plus a tick: well under window + margin.
    expect(Date.now() - closedAt).toBeLessThan(4500);
    expect(await events(watcher)).toEqual([`presence-join ${ada}`, `presence-leave ${ada}`]);
    expect((await changes()).filter((state) => state === 'offline')).toEqual(['offline']);
  });
});

describe('room names as sites write them', () => {
  it('a channel path, unicode or 200 characters: one console warning, nothing shown, nothing entered; store.room says why', async () => {
    site = await startProxiedSite(SHORT);
    const context = await signIn(site.url, randomUUID());
    const good = await openDoc(context, 'org:acme:channel:general');
    await expect.poll(() => bar(good).then((names) => names.length), { timeout: 5000 }).toBe(1);
    for (const name of ['org/acme/channel/general', 'café au lait', `doc:${'a'.repeat(196)}`]) {
      const page = await context.newPage();
      const warnings: string[] = [];
      page.on('console', (message) => warnings.push(message.text()));
      await page.goto(`${site.url}/doc?room=${encodeURIComponent(name)}`, { waitUntil: 'load' });
      await expect.poll(() => warnings.filter((text) => text.includes('not a valid room name')).length).toBe(1);
      expect(warnings.find((text) => text.includes('not a valid room name'))).toBe(
        `presence-kit: "${name.slice(0, 40)}" is not a valid room name (1-128 letters, digits or _ . : @ -); nothing is shown.`,
      );
      expect(await page.evaluate(() => document.querySelector('presence-here')!.shadowRoot!.childElementCount)).toBe(0);
      expect(await inRoom(page, name, 'return "entered";').catch((error: Error) => error.message)).toContain(
        'is not a room name; use 1-128 letters, digits or _ . : @ -, like "doc:42".',
      );
      await page.close();
    }
    expect((await site.members('org:acme:channel:general')).count).toBe(1);
  });
});
