import { afterEach, describe, expect, it } from 'vitest';
import type { RoomResponse } from '@presence-kit/core';
import { createPresence } from '../src/index.js';
import { createTestApp, spawnServer, tempDbPath, type TestApp, type TestSession } from '../../../test/support/index.js';
import { internalsOf } from '../src/internals.js';

// Rooms ride the session: a subscription change enters and leaves them, the signed-in user is
// the member, and every tick sends each window size one `room` frame of what changed.

let host: TestApp;
const start = (options: Parameters<typeof createTestApp>[0] = {}) => {
  host = createTestApp(options);
  for (const [uid, name] of [
    ['a', 'Ada'],
    ['b', 'Bea'],
    ['c', 'Cid'],
  ])
    host.presence.upsertUser({ uid: uid!, name: name!, avatar: null });
};
afterEach(() => host.close());

const tick = () => internalsOf(host.presence).rooms.tick();
const t = () => host.clock.ms;
const room = (data: string) => `event: room\ndata: ${data}\n\n`;
const enter = async (as: string | undefined, rooms: Record<string, { max?: number } | null>): Promise<TestSession> => {
  const session = await host.session(as);
  expect((await session.subscribe({ rooms } as never)).status).toBe(200);
  return session;
};
const post = (path: string, body: unknown, as?: string) =>
  host.app.request(`/presence/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(as ? { 'x-test-user': as } : {}) },
    body: JSON.stringify(body),
  });
const error = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

describe('a room', () => {
  it('shows who is in it, alphabetical, and sends others one frame per tick of its joins', async () => {
    start();
    const bea = await enter('b', { 'doc:42': { max: 12 } });
    // The room as last published (empty), and who this page's user is.
    expect(await bea.reader.rest()).toEqual([room(`{"t":${t()},"room":"doc:42","count":0,"users":[],"me":"b"}`)]);
    tick();
    expect(await bea.reader.rest()).toEqual([
      room(`{"t":${t()},"room":"doc:42","count":1,"join":[["b","Bea",null,0]]}`),
    ]);

    const ada = await enter('a', { 'doc:42': {} });
    const cid = await enter('c', { 'doc:43': {} });
    expect(await ada.reader.rest()).toEqual([
      room(`{"t":${t()},"room":"doc:42","count":1,"users":[["b","Bea",null,0]],"me":"a"}`),
    ]);
    host.clock.advance(2);
    tick();
    // Ada's join, once, to both viewers of doc 42 (she entered 2 s ago); doc 43 is another world.
    const join = room(`{"t":${t()},"room":"doc:42","count":2,"join":[["a","Ada",null,2]]}`);
    expect(await bea.reader.rest()).toEqual([join]);
    expect(await ada.reader.rest()).toEqual([join]);
    expect(await cid.reader.rest()).toEqual([
      room(`{"t":${t() - 2000},"room":"doc:43","count":0,"users":[],"me":"c"}`),
      room(`{"t":${t()},"room":"doc:43","count":1,"join":[["c","Cid",null,2]]}`),
    ]);
    expect((await (await host.app.request('/presence/rooms/doc:42')).json()) as RoomResponse).toEqual({
      t: t(),
      room: 'doc:42',
      count: 2,
      users: [
        { uid: 'a', name: 'Ada', avatar: null, since: t() - 2000, state: null },
        { uid: 'b', name: 'Bea', avatar: null, since: t() - 2000, state: null },
      ],
    });
    // Nothing changed: nothing is sent.
    tick();
    expect(await bea.reader.rest()).toEqual([]);
  });

  it('keeps one member for several tabs, and lets them leave only after the grace once the last is gone', async () => {
    const left: string[] = [];
    start({ roomGraceSeconds: 30, onLeave: (name, uid) => left.push(`${name}/${uid}`) });
    const watcher = await enter(undefined, { 'doc:42': {} });
    const tabs = [await enter('a', { 'doc:42': {} }), await enter('a', { 'doc:42': {} })];
    tick();
    await watcher.reader.rest();
    await tabs[0]!.reader.cancel();
    host.clock.advance(40);
    tick();
    expect(await watcher.reader.rest()).toEqual([]);
    await tabs[1]!.reader.cancel();
    // A reload: the stream closes, a new one comes back within the grace.
    host.clock.advance(5);
    tick();
    const reloaded = await enter('a', { 'doc:42': {} });
    host.clock.advance(40);
    tick();
    expect(await watcher.reader.rest()).toEqual([]);
    expect(host.presence.roomMembers('doc:42').count).toBe(1);

    await reloaded.reader.cancel();
    host.clock.advance(29);
    tick();
    expect(await watcher.reader.rest()).toEqual([]);
    host.clock.advance(1);
    tick();
    expect(await watcher.reader.rest()).toEqual([room(`{"t":${t()},"room":"doc:42","count":0,"leave":["a"]}`)]);
    expect(left).toEqual(['doc:42/a']);
  });

  it('sends a window of max its members and the count, never every member', async () => {
    start();
    const small = await enter(undefined, { 'doc:42': { max: 1 } });
    await enter('b', { 'doc:42': {} });
    tick();
    await small.reader.rest();
    await enter('c', { 'doc:42': {} });
    tick();
    expect(await small.reader.rest()).toEqual([room(`{"t":${t()},"room":"doc:42","count":2}`)]);
    await enter('a', { 'doc:42': {} });
    tick();
    expect(await small.reader.rest()).toEqual([
      room(`{"t":${t()},"room":"doc:42","count":3,"join":[["a","Ada",null,0]],"leave":["b"]}`),
    ]);
  });

  it('delivers per-viewer state change-only, and refuses state over 1 KiB with nothing sent', async () => {
    start();
    const bea = await enter('b', { 'doc:42': {} });
    const ada = await enter('a', { 'doc:42': {} });
    tick();
    await bea.reader.rest();
    await ada.reader.rest();
    expect((await post('room-state', { room: 'doc:42', state: { color: '#e91e63' } }, 'a')).status).toBe(200);
    tick();
    expect(await bea.reader.rest()).toEqual([
      room(`{"t":${t()},"room":"doc:42","count":2,"state":{"a":{"color":"#e91e63"}}}`),
    ]);
    await post('room-state', { room: 'doc:42', state: { color: '#e91e63' } }, 'a');
    tick();
    expect(await bea.reader.rest()).toEqual([]);

    const big = await post('room-state', { room: 'doc:42', state: { note: 'x'.repeat(1100) } }, 'a');
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { message: string } }).error.message).toMatch(/at most 1024 bytes/);
    tick();
    expect(await bea.reader.rest()).toEqual([]);

    // A newcomer gets the state with the window.
    const cid = await enter('c', { 'doc:42': {} });
    expect(await cid.reader.rest()).toEqual([
      room(
        `{"t":${t()},"room":"doc:42","count":2,"users":[["a","Ada",null,0],["b","Bea",null,0]],"state":{"a":{"color":"#e91e63"}},"me":"c"}`,
      ),
    ]);
    // Only members of the room may set state there.
    expect(await error(await post('room-state', { room: 'doc:43', state: {} }, 'a'))).toBe('forbidden');
  });

  it('sends typing with the seconds it holds, and a stop at once', async () => {
    start({ typingSeconds: 5 });
    const bea = await enter('b', { 'doc:42': {} });
    await enter('a', { 'doc:42': {} });
    tick();
    await bea.reader.rest();
    await post('room-typing', { room: 'doc:42', typing: true }, 'a');
    tick();
    expect(await bea.reader.rest()).toEqual([room(`{"t":${t()},"room":"doc:42","count":2,"typing":{"a":5}}`)]);
    host.clock.advance(2);
    const late = await enter('c', { 'doc:42': {} });
    expect(await late.reader.rest()).toEqual([
      room(
        `{"t":${t()},"room":"doc:42","count":2,"users":[["a","Ada",null,2],["b","Bea",null,2]],"typing":{"a":3},"me":"c"}`,
      ),
    ]);
    await post('room-typing', { room: 'doc:42', typing: false }, 'a');
    tick();
    expect(await bea.reader.rest()).toEqual([
      room(`{"t":${t()},"room":"doc:42","count":3,"join":[["c","Cid",null,0]],"typing":{"a":0}}`),
    ]);
  });

  it('lets the host refuse a room with a clear 403, and caps the rooms of a session', async () => {
    start({ authorizeRoom: (_c, name) => name !== 'secret', maxRoomsPerSession: 2 });
    const session = await host.session('a');
    const refused = await session.subscribe({ rooms: { secret: {} } } as never);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: { code: 'forbidden', message: 'You may not enter room "secret"; ask only for rooms you can see.' },
    });
    expect((await host.app.request('/presence/rooms/secret')).status).toBe(403);
    const tooMany = await session.subscribe({ rooms: { a: {}, b: {}, c: {} } } as never);
    expect(tooMany.status).toBe(413);
    expect(await error(tooMany)).toBe('too_many_rooms');
    expect(await session.reader.rest()).toEqual([]);
  });

  it('refuses malformed rooms with a 400 naming the problem', async () => {
    start();
    const session = await host.session('a');
    for (const [rooms, code] of [
      [['doc:42'], 'invalid_body'],
      [{ 'doc 42': {} }, 'invalid_body'],
      [{ 'doc:42': { max: 0 } }, 'invalid_body'],
      [{ 'doc:42': { max: 3, colour: 'red' } }, 'unknown_parameter'],
      [{ 'doc:42': 'yes' }, 'invalid_body'],
    ] as const) {
      const answer = await session.subscribe({ rooms } as never);
      expect(answer.status).toBe(400);
      expect(await error(answer)).toBe(code);
    }
    expect(await error(await post('room-typing', { room: 'doc:42', typing: 'yes' }, 'a'))).toBe('invalid_body');
    expect(await error(await post('room-typing', { room: 'doc:42', typing: true, extra: 1 }, 'a'))).toBe(
      'unknown_parameter',
    );
    expect((await host.app.request('/presence/rooms/doc%2042')).status).toBe(400);
  });

  it('lets a guest watch without being a member, and renders the bar for SSR', async () => {
    start();
    const guest = await enter(undefined, { 'doc:42': {} });
    await enter('a', { 'doc:42': {} });
    tick();
    expect(await guest.reader.rest()).toEqual([
      room(`{"t":${t()},"room":"doc:42","count":0,"users":[]}`),
      room(`{"t":${t()},"room":"doc:42","count":1,"join":[["a","Ada",null,0]]}`),
    ]);
    expect(host.presence.renderHere('doc:42', { max: 5 })).toBe(
      `<presence-here room="doc:42" max="5"><script type="application/json">{"t":${t()},"count":1,"users":[{"uid":"a","name":"Ada","avatar":null,"last_seen":${t()}}]}</script></presence-here>`,
    );
  });

  // A grace that is not a number (a typo like "30s") was taken as none: every reload showed a leave.
  it('refuses a room grace or typing time that is not a number of seconds, at start, saying what to fix', async () => {
    for (const [options, message] of [
      [
        { roomGraceSeconds: Number('30s') },
        '`roomGraceSeconds` must be a number of seconds, 0 or more (got NaN); leave it out for 30.',
      ],
      [
        { roomGraceSeconds: -1 },
        '`roomGraceSeconds` must be a number of seconds, 0 or more (got -1); leave it out for 30.',
      ],
      [{ typingSeconds: 0 }, '`typingSeconds` must be a number of seconds above 0 (got 0); leave it out for 5.'],
    ] as const) {
      expect(() => createPresence({ db: ':memory:', ...options })).toThrow(`presence-kit: ${message}`);
    }
    const db = tempDbPath();
    try {
      await expect(spawnServer(db.path, { PRESENCE_ROOM_GRACE_SECONDS: '30s' })).rejects.toThrow(
        'presence-kit: PRESENCE_ROOM_GRACE_SECONDS must be a number of seconds, 0 or more (got "30s"); leave it unset for 30.',
      );
    } finally {
      db.cleanup();
    }
  });
});

describe('a room when the wall clock is set', () => {
  it('forward or back by 5 minutes: typing lasts its seconds, and a leave comes after the grace', async () => {
    start({ typingSeconds: 5, roomGraceSeconds: 10 });
    const bea = await enter('b', { 'doc:42': {} });
    const ada = await enter('a', { 'doc:42': {} });
    tick();
    await bea.reader.rest();
    for (const jump of [-300, 300]) {
      await post('room-typing', { room: 'doc:42', typing: true }, 'a');
      tick();
      host.clock.jump(jump);
      host.clock.advance(2);
      tick();
      const mid = await enter('c', { 'doc:42': {} });
      expect(await mid.reader.rest()).toEqual([expect.stringContaining('"typing":{"a":3},"me":"c"}')]);
      host.clock.advance(4);
      tick();
      const late = await enter('c', { 'doc:42': {} });
      expect(await late.reader.rest()).toEqual([expect.not.stringContaining('typing')]);
      await mid.reader.cancel();
      await late.reader.cancel();
    }
    await bea.reader.rest();
    await ada.reader.cancel();
    host.clock.jump(-300);
    host.clock.advance(9);
    tick();
    expect(await bea.reader.rest()).toEqual([]);
    host.clock.advance(1);
    tick();
    expect(await bea.reader.rest()).toEqual([expect.stringContaining('"count":1,"leave":["c","a"]}')]);
  });
});
