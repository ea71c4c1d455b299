import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, eventually, type TestApp, type TestSession } from '../../../test/support/index.js';
import { internalsOf } from '../src/internals.js';

// A signed-in user's session is an open page of theirs. When the last one closes they are offline
// after the margin (20 s here), not after window + margin (80 s); a reload never shows them leaving.

let host: TestApp;
afterEach(() => host.close());

const relay = () => internalsOf(host.presence).relay;
const tick = () => relay().tick();
const presence = (data: string) => `event: presence\nid: ${relay().log.position}\ndata: ${data}\n\n`;
const pagesOpen = () => internalsOf(host.presence).engine.pages!.users;

/** Ada loads a page (a request) and her browser opens its stream; Bob's page watches her. */
async function adaOnline(): Promise<{ ada: TestSession; bob: TestSession }> {
  await host.visit('ada');
  const ada = await host.session('ada');
  const bob = await host.session();
  await bob.subscribe({ add: ['ada'] });
  tick();
  await bob.reader.rest();
  return { ada, bob };
}

/** A page goes away (its stream closes), as a browser closing the tab does. */
async function close(session: TestSession): Promise<void> {
  const before = relay().sessions.size;
  await session.reader.cancel();
  await eventually(() => relay().sessions.size < before, 'the session to end');
}

describe('leaving', () => {
  it('shows someone who closed their last page offline after the margin and one tick', async () => {
    host = createTestApp();
    const { ada, bob } = await adaOnline();
    host.clock.advance(10);
    tick();
    await close(ada);
    host.clock.advance(19);
    tick();
    expect(await bob.reader.rest()).toEqual([]);
    host.clock.advance(1);
    tick();
    expect(await bob.reader.rest()).toEqual([presence(`{"t":${host.clock.ms},"off":{"ada":30}}`)]);
  });

  it('never shows a reload: the next page opens a second later and no frame goes out', async () => {
    host = createTestApp();
    const { ada, bob } = await adaOnline();
    host.clock.advance(10);
    await close(ada);
    tick();
    host.clock.advance(1);
    await host.visit('ada', '/page?reloaded');
    await host.session('ada');
    for (let i = 0; i < 30; i++) {
      host.clock.advance(1);
      tick();
    }
    expect(await bob.reader.rest()).toEqual([]);
    // Idle is off: her window still ends her presence, 80 s after her last request (the reload).
    host.clock.advance(49);
    tick();
    expect(await bob.reader.rest()).toEqual([]);
    host.clock.advance(1);
    tick();
    expect(await bob.reader.rest()).toEqual([presence(`{"t":${host.clock.ms},"off":{"ada":80}}`)]);
  });

  it('counts every page of a user, on every device: only the last one closing is leaving', async () => {
    host = createTestApp();
    const { ada: laptop, bob } = await adaOnline();
    const phone = await host.session('ada');
    expect(pagesOpen()).toBe(1); // one user, two pages
    await close(laptop);
    host.clock.advance(25);
    tick();
    expect(await bob.reader.rest()).toEqual([]);
    await close(phone);
    host.clock.advance(20);
    tick();
    expect(await bob.reader.rest()).toEqual([presence(`{"t":${host.clock.ms},"off":{"ada":45}}`)]);
    expect(pagesOpen()).toBe(0);
  });

  it('writes a reload not at all, and a user with pages open once per write period', async () => {
    host = createTestApp();
    const { ada } = await adaOnline();
    const db = new BetterSqlite3(host.dbPath, { readonly: true });
    const rows = () => db.prepare('SELECT uid, until, written FROM presence_pages').all();
    const opened = host.clock.ms;
    const first = [{ uid: 'ada', until: opened + 60_000, written: opened }];
    expect(rows()).toEqual(first);
    await close(ada);
    host.clock.advance(0.5);
    await host.session('ada'); // the reloaded page, half a second later
    host.clock.advance(0.5);
    tick();
    expect(rows()).toEqual(first);
    host.clock.advance(29);
    tick();
    expect(rows()).toEqual([{ uid: 'ada', until: host.clock.ms + 60_000, written: host.clock.ms }]);
    db.close();
  });

  it('closes every page at a clean stop, so the next process shows them leaving unless they reconnect', async () => {
    host = createTestApp();
    for (const uid of ['ada', 'bob', 'cyd']) await host.session(uid);
    const stopped = host.clock.ms;
    await host.presence.close();
    const db = new BetterSqlite3(host.dbPath, { readonly: true });
    expect(db.prepare('SELECT uid, until FROM presence_pages ORDER BY uid').all()).toEqual(
      ['ada', 'bob', 'cyd'].map((uid) => ({ uid, until: stopped })),
    );
    db.close();
  });

  it('does not count a guest\u2019s session as anyone\u2019s page', async () => {
    host = createTestApp();
    await host.session();
    expect(pagesOpen()).toBe(0);
  });

  it('keeps someone who left but is active again by another request online through their window', async () => {
    host = createTestApp();
    const { ada, bob } = await adaOnline();
    await close(ada);
    host.clock.advance(5);
    await host.visit('ada', '/page?no-stream'); // a request from a page without the elements
    for (let i = 0; i < 60; i++) {
      host.clock.advance(1);
      tick();
    }
    expect(await bob.reader.rest()).toEqual([]);
  });
});
