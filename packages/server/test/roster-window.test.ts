import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyRosterFrame, type RosterEntry, type RosterResponse } from '@presence-kit/core';
import { createTestApp, seededRandom, type TestApp, type TestSession } from '../../../test/support/index.js';
import { internalsOf } from '../src/internals.js';

// A roster subscriber names its window (the first N alphabetically, or all) and receives
// that window, then only what changes inside it, batched per tick.

let host: TestApp;
beforeEach(() => {
  host = createTestApp();
  for (const [uid, name] of [
    ['a', 'Ámy'],
    ['b', 'bea'],
    ['c', 'Cid'],
    ['d', 'dora'],
    ['e', 'Éve'],
  ])
    host.presence.upsertUser({ uid: uid!, name: name!, avatar: null });
});
afterEach(() => host.close());

const relay = () => internalsOf(host.presence).relay;
const tick = () => relay().tick();
const online = (...uids: string[]) => {
  for (const uid of uids) internalsOf(host.presence).store.touch(uid, host.clock.ms);
};
const roster = (data: string) => `event: roster\nid: ${relay().log.position}\ndata: ${data}\n\n`;
const watch = async (window: { max?: number }): Promise<TestSession> => {
  const session = await host.session();
  await session.subscribe({ roster: window });
  return session;
};
const frames = async (session: TestSession) =>
  (await session.reader.rest()).map((f) => JSON.parse(/^data: (.*)$/m.exec(f)![1]!));

describe('a roster window', () => {
  it('starts with the first N by name, case- and accent-insensitive, and the count', async () => {
    online('e', 'c', 'a');
    tick();
    const session = await watch({ max: 2 });
    expect(await session.reader.rest()).toEqual([
      roster(`{"t":${host.clock.ms},"count":3,"users":[["a","Ámy",null,0],["c","Cid",null,0]]}`),
    ]);
  });

  it('then sends only joins and leaves inside the window, including people pushed out or moved up', async () => {
    online('c', 'e');
    tick();
    const session = await watch({ max: 2 });
    await session.reader.next();

    online('a'); // Ámy enters first; Éve is pushed out of the first two
    tick();
    expect(await session.reader.rest()).toEqual([
      roster(`{"t":${host.clock.ms},"count":3,"join":[["a","Ámy",null,0]],"leave":["e"]}`),
    ]);

    online('d'); // dora comes online outside the window: only the count changes
    tick();
    expect(await session.reader.rest()).toEqual([roster(`{"t":${host.clock.ms},"count":4}`)]);

    host.presence.setHidden('a', true); // Ámy leaves the window; dora moves up into it
    tick();
    expect(await session.reader.rest()).toEqual([
      roster(`{"t":${host.clock.ms},"count":3,"join":[["d","dora",null,0]],"leave":["a"]}`),
    ]);
  });

  it('without max is the whole roster, with every join and leave', async () => {
    const session = await watch({});
    expect(await session.reader.rest()).toEqual([roster(`{"t":${host.clock.ms},"count":0,"users":[]}`)]);
    online('b', 'd');
    tick();
    expect(await session.reader.rest()).toEqual([
      roster(`{"t":${host.clock.ms},"count":2,"join":[["b","bea",null,0],["d","dora",null,0]]}`),
    ]);
  });

  it('sends the new window when its size changes, and nothing once it is stopped', async () => {
    online('a', 'b', 'c');
    tick();
    const session = await watch({ max: 1 });
    await session.subscribe({ roster: { max: 1 } }); // the same window: nothing to send
    await session.subscribe({ roster: { max: 2 } });
    const t = host.clock.ms;
    expect(await frames(session)).toEqual([
      { t, count: 3, users: [['a', 'Ámy', null, 0]] },
      {
        t,
        count: 3,
        users: [
          ['a', 'Ámy', null, 0],
          ['b', 'bea', null, 0],
        ],
      },
    ]);
    await session.subscribe({ roster: null });
    online('d');
    tick();
    expect(await session.reader.rest()).toEqual([]);
  });

  it('sends a change of the count alone at most once per countSeconds, the latest count when the period ends', async () => {
    online('a', 'b');
    tick();
    const session = await watch({ max: 1 });
    await session.reader.next();
    online('c'); // outside the window: the count alone, sent at once (nothing went for 5 s)
    tick();
    expect(await session.reader.rest()).toEqual([roster(`{"t":${host.clock.ms},"count":3}`)]);

    host.clock.advance(1);
    online('d');
    tick();
    host.clock.advance(1);
    online('e');
    tick();
    expect(await session.reader.rest()).toEqual([]); // held: a count went 2 s ago
    host.clock.advance(3);
    tick(); // the period ended: the latest count, once
    expect(await session.reader.rest()).toEqual([roster(`{"t":${host.clock.ms},"count":5}`)]);

    host.clock.advance(1);
    host.presence.setHidden('a', true); // a change inside the window is never held, and carries the count
    tick();
    expect(await session.reader.rest()).toEqual([
      roster(`{"t":${host.clock.ms},"count":4,"join":[["b","bea",null,6]],"leave":["a"]}`),
    ]);
  });

  it('replayed from its first frame, is always exactly the roster a full fetch gives', async () => {
    host.close();
    host = createTestApp({ countSeconds: 0 }); // every tick's count, so each one can be compared
    const random = seededRandom(7);
    const uids = Array.from({ length: 40 }, (_, i) => `u${i}`);
    for (const uid of uids)
      host.presence.upsertUser({
        uid,
        name: `${random() < 0.5 ? 'é' : 'E'}${Math.floor(random() * 20)}`,
        avatar: null,
      });
    const sizes = [1, 5, 12, Infinity];
    const sessions = await Promise.all(sizes.map((max) => watch(max === Infinity ? {} : { max })));
    const windows: RosterEntry[][] = sizes.map(() => []);
    const counts = sizes.map(() => 0);
    for (let round = 0; round < 60; round++) {
      for (const uid of uids) if (random() < 0.1) online(uid);
      host.clock.advance(random() * 40);
      tick();
      const full = (await (await host.app.request('/presence/roster')).json()) as RosterResponse;
      for (const [i, session] of sessions.entries()) {
        for (const frame of await frames(session)) {
          const next = applyRosterFrame(windows[i]!, frame);
          windows[i] = next.users;
          counts[i] = next.count;
        }
        expect(counts[i]).toBe(full.count);
        expect(
          windows[i]!.map((u) => u.uid),
          `round ${round}, max ${sizes[i]}`,
        ).toEqual(full.users.slice(0, sizes[i]).map((u) => u.uid));
      }
    }
  });
});

describe('the JSON roster', () => {
  it('keeps its readable shape and pages with ?max=&offset=', async () => {
    online('a', 'b', 'c', 'd');
    tick();
    const t = host.clock.ms;
    const page = await host.app.request('/presence/roster?max=2&offset=1');
    expect(await page.json()).toEqual({
      t,
      count: 4,
      users: [
        { uid: 'b', name: 'bea', avatar: null, last_seen: t },
        { uid: 'c', name: 'Cid', avatar: null, last_seen: t },
      ],
    });
    for (const query of ['max=0', 'max=x', 'offset=-1', 'max=1&max=2']) {
      const response = await host.app.request(`/presence/roster?${query}`);
      expect(response.status, query).toBe(400);
    }
  });
});
