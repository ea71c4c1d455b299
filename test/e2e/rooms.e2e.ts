import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { bar, events, typingText } from './support/room-page.js';
import { startRoomsServer, type RoomsServer } from './support/rooms-server.js';
import { signedInBrowsers } from './support/signed-in-browsers.js';

// Rooms in real Chromium against the real server: each person is a browser context signed in
// with a `user` cookie, each document page holds a <presence-here> bar and a <presence-typing>.

let server: RoomsServer;
const signIn = signedInBrowsers('user', () => server?.close());

/** A browser signed in as `user`. */
const person = (user: string) => signIn(server.url, user);
async function open(context: BrowserContext, doc: string, transport?: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.url}/doc/${doc}${transport ? `?transport=${transport}` : ''}`, { waitUntil: 'load' });
  return page;
}
const count = (page: Page) =>
  page.evaluate(
    () => document.querySelector('presence-here')!.shadowRoot!.querySelector('[part~="count"]')?.textContent,
  );
/** Runs `body` in the page with `room`, the page's store's handle for doc:42 (the bundle's own module instance). */
const inRoom = (page: Page, body: string) =>
  page.evaluate<unknown>(
    `import('/presence-kit.js').then(({ getPresenceStore }) => { const room = getPresenceStore('/presence').room('doc:42'); ${body} })`,
  );
const shows = (page: Page, names: string[]) => expect.poll(() => bar(page), { timeout: 5000 }).toEqual(names);

describe('rooms in the browser', () => {
  it('two users on doc 42 and one on doc 43: each bar shows exactly its room, join and leave fire on the others only', async () => {
    server = await startRoomsServer({ roomGraceSeconds: 1 });
    const ada = await open(await person('ada'), '42');
    await shows(ada, ['Ada*']);
    const cy = await open(await person('cy'), '43');
    const bea = await open(await person('bea'), '42');
    await shows(ada, ['Ada*', 'Bea']);
    await shows(bea, ['Ada', 'Bea*']);
    await shows(cy, ['Cy*']);
    expect(await count(ada)).toBe('2');

    await bea.close();
    await shows(ada, ['Ada*']);
    expect(await events(ada)).toEqual(['presence-join bea', 'presence-leave bea']);
    // The doc-43 user never showed up on doc 42, nor anyone on doc 43; nobody was told about themselves.
    expect(await events(cy)).toEqual([]);
    expect(await bar(cy)).toEqual(['Cy*']);
  });

  // The SharedWorker (or the leader tab) holds one session for the three tabs; with a connection per tab the server sees three.
  it.each(['worker', 'leader', 'tab'])(
    'one user in three tabs (%s) is one avatar; two closed: still there; the third closed: gone after the grace; a reload: never gone',
    async (transport) => {
      server = await startRoomsServer({ roomGraceSeconds: 2 });
      const watcher = await open(await person('bea'), '42');
      const ada = await person('ada');
      const tabs = [
        await open(ada, '42', transport),
        await open(ada, '42', transport),
        await open(ada, '42', transport),
      ];
      await shows(watcher, ['Ada', 'Bea*']);
      for (const tab of tabs) await shows(tab, ['Ada*', 'Bea']);
      expect(server.presence.roomMembers('doc:42').count).toBe(2);

      await tabs[0]!.close();
      await tabs[1]!.close();
      await tabs[2]!.reload({ waitUntil: 'load' });
      await shows(tabs[2]!, ['Ada*', 'Bea']);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(await bar(watcher)).toEqual(['Ada', 'Bea*']);
      expect(await events(watcher)).toEqual(['presence-join ada']);

      await tabs[2]!.close();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await bar(watcher)).toEqual(['Ada', 'Bea*']);
      await shows(watcher, ['Bea*']);
      expect(await events(watcher)).toEqual(['presence-join ada', 'presence-leave ada']);
    },
  );

  it('per-viewer state and typing reach the others within a tick; typing runs out by itself; oversize state is refused, nothing sent', async () => {
    server = await startRoomsServer({ typingSeconds: 2 });
    const ada = await open(await person('ada'), '42');
    const bea = await open(await person('bea'), '42');
    await shows(ada, ['Ada*', 'Bea']);

    await inRoom(bea, 'room.set({ color: "#e91e63" }); room.typing();');
    await expect
      .poll(
        () =>
          ada.evaluate(
            () =>
              (document.querySelector('presence-here') as unknown as { view: { members: { state: unknown }[] } }).view
                .members[1]!.state,
          ),
        { timeout: 2000 },
      )
      .toEqual({ color: '#e91e63' });
    await expect.poll(() => typingText(ada), { timeout: 2000 }).toBe('Bea is typing…');
    expect(await typingText(bea)).toBe('');
    // Nothing more is sent: it runs out on the receiver about 2 s after the signal.
    await expect.poll(() => typingText(ada), { timeout: 4000 }).toBe('');

    const framesBefore = server.roomFrames.length;
    const refusal = await inRoom(
      bea,
      'try { room.set({ note: "x".repeat(2000) }); return "sent"; } catch (error) { return String(error); } finally { room.typing(); }',
    );
    expect(refusal).toMatch(/at most 1024 bytes of JSON and this one takes 2011; nothing was sent/);
    await expect.poll(() => typingText(ada), { timeout: 2000 }).toBe('Bea is typing…');
    // A sent message clears the indicator at once, well before it would run out.
    await inRoom(bea, 'room.stopTyping();');
    await expect.poll(() => typingText(ada), { timeout: 1000 }).toBe('');
    // The only frames since: the typing signal and its stop, no state.
    expect(server.roomFrames.slice(framesBefore).some((frame) => frame.includes('"state"'))).toBe(false);
  });

  it('authorization refused: the bar shows nothing and the console says why, once', async () => {
    server = await startRoomsServer({ authorizeRoom: (c, room) => room !== 'doc:7' });
    const page = await (await person('ada')).newPage();
    const messages: string[] = [];
    page.on('console', (message) => messages.push(message.text()));
    await page.goto(`${server.url}/doc/7`, { waitUntil: 'load' });
    await expect.poll(() => messages.filter((m) => m.includes('doc:7')).length, { timeout: 5000 }).toBe(1);
    expect(messages.find((m) => m.includes('doc:7'))).toContain(
      'the server refused room "doc:7" (403): You may not enter room "doc:7"; ask only for rooms you can see.',
    );
    expect(await page.evaluate(() => document.querySelector('presence-here')!.shadowRoot!.childElementCount)).toBe(0);
    expect(server.presence.roomMembers('doc:7').count).toBe(0);
  });
});
