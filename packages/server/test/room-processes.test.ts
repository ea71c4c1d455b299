import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HelloFrame } from '@presence-kit/core';
import { FakeClock, FrameReader, createTestHost, tempDbPath } from '../../../test/support/index.js';
import { internalsOf } from '../src/internals.js';
import type { Presence } from '../src/index.js';

// Two presence instances on one SQLite file are two processes behind a load balancer: each
// holds its own sessions, and the room they show is the same. Both run on one fake clock.

let file = tempDbPath();
const clock = new FakeClock();
const processes: Presence[] = [];
const readers: FrameReader[] = [];
afterEach(() => {
  for (const reader of readers.splice(0)) void reader.cancel();
  for (const presence of processes.splice(0)) presence.close();
});

const hooks: string[] = [];
function start(name = `p${processes.length + 1}`) {
  const host = createTestHost(
    {
      onJoin: (room, uid) => hooks.push(`${name} join ${room} ${uid}`),
      onLeave: (room, uid) => hooks.push(`${name} leave ${room} ${uid}`),
    },
    clock,
    file.path,
  );
  processes.push(host.presence);
  host.presence.upsertUser({ uid: 'ada', name: 'Ada', avatar: null });
  host.presence.upsertUser({ uid: 'bea', name: 'Bea', avatar: null });
  /** Enters the room as `as`, or watches it as a guest (null: no member, no row). */
  const enter = async (as: string | null) => {
    const user: Record<string, string> = as === null ? {} : { 'x-test-user': as };
    const reader = new FrameReader(await host.app.request('/presence/stream?v=2', { headers: user }));
    readers.push(reader);
    const [, hello] = await reader.next(2);
    const { sid } = JSON.parse(/^data: (.*)$/m.exec(hello!)![1]!) as HelloFrame;
    const post = (path: string, body: object) =>
      host.app.request(`/presence/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...user },
        body: JSON.stringify(body),
      });
    expect((await post('subscribe', { sid, rooms: { 'doc:42': {} } })).status).toBe(200);
    await reader.next();
    return { reader, post };
  };
  return { presence: host.presence, enter, tick: () => internalsOf(host.presence).rooms.tick() };
}

/** Time passes as it does for running processes: each ticks every second. */
const pass = (seconds: number, ...running: { tick(): unknown }[]) => {
  for (let s = 0; s < seconds; s++) {
    clock.advance(1);
    for (const process of running) process.tick();
  }
};
const room = (data: string) => `event: room\ndata: ${data}\n\n`;

/** Two processes on the file, Bea's page on the first and Ada's on the second, both shown to Bea. */
async function beaOnOneAdaOnTwo() {
  const one = start();
  const two = start();
  const bea = await one.enter('bea');
  await two.enter('ada');
  pass(2, one, two);
  await bea.reader.rest();
  return { one, two, bea };
}

describe('rooms across processes on one SQLite file', () => {
  it('show members of either process to viewers of both, with state, and the grace across a move', async () => {
    const one = start();
    const two = start();
    const bea = await one.enter('bea');
    const ada = await two.enter('ada');
    two.tick(); // writes Ada's row
    one.tick(); // reads it: Bea's bar shows her, and Bea herself
    const t = clock.ms;
    expect(await bea.reader.rest()).toEqual([
      room(`{"t":${t},"room":"doc:42","count":2,"join":[["ada","Ada",null,0],["bea","Bea",null,0]]}`),
    ]);
    two.tick(); // and the other way round: Ada's own join came at the first tick, Bea's now
    expect(await ada.reader.rest()).toEqual([
      room(`{"t":${t},"room":"doc:42","count":1,"join":[["ada","Ada",null,0]]}`),
      room(`{"t":${t},"room":"doc:42","count":2,"join":[["bea","Bea",null,0]]}`),
    ]);

    await ada.post('room-state', { room: 'doc:42', state: { color: 'teal' } });
    two.tick();
    one.tick();
    expect(await bea.reader.rest()).toEqual([
      room(`{"t":${t},"room":"doc:42","count":2,"state":{"ada":{"color":"teal"}}}`),
    ]);
    expect(one.presence.roomMembers('doc:42').users.map((u) => [u.uid, u.state])).toEqual([
      ['ada', { color: 'teal' }],
      ['bea', null],
    ]);

    // Ada's page reloads onto the other process: her old one lets go after its grace, and she never leaves.
    await ada.reader.cancel();
    clock.advance(5);
    const moved = await one.enter('ada');
    pass(31, one, two);
    expect(await bea.reader.rest()).toEqual([]);
    expect(one.presence.roomMembers('doc:42').count).toBe(2);
    await moved.reader.cancel();
    pass(29, one, two);
    expect(await bea.reader.rest()).toEqual([]);
    pass(1, one, two);
    expect(await bea.reader.rest()).toEqual([room(`{"t":${clock.ms},"room":"doc:42","count":1,"leave":["ada"]}`)]);
    // The host's hooks ran once per join and leave, not once per process.
    expect(hooks.splice(0)).toEqual(['p2 join doc:42 ada', 'p1 join doc:42 bea', 'p1 leave doc:42 ada']);
  });

  it('lets the members of a process that died leave once its heartbeat runs out', async () => {
    const one = start();
    const two = start();
    const bea = await one.enter('bea');
    await two.enter('ada');
    two.tick();
    one.tick();
    await bea.reader.rest();
    // The other process stops (kill -9: no goodbye). Its heartbeat ages; 15 s on, its rows no longer count.
    processes.splice(1, 1)[0]!.close();
    for (let s = 0; s < 14; s += 2) {
      clock.advance(2);
      one.tick();
    }
    expect(await bea.reader.rest()).toEqual([]);
    clock.advance(2);
    one.tick();
    one.tick();
    expect(await bea.reader.rest()).toEqual([room(`{"t":${clock.ms},"room":"doc:42","count":1,"leave":["ada"]}`)]);
  });
});

describe("a process's own rows", () => {
  beforeEach(() => {
    file = tempDbPath();
  });

  it('keeps the rows it writes before its first heartbeat through another process sweeping, until they are old', async () => {
    const one = start();
    await one.enter('bea');
    pass(2, one);
    // As a process starting writes its first member row before its heartbeat row: never beaten yet.
    const db = new BetterSqlite3(file.path);
    db.prepare(
      `INSERT INTO presence_room_members (room, uid, process, present, name, avatar, since, state, typing_until, seq, changed_at)
       VALUES ('doc:42', 'ada', 'newcomer', 1, 'Ada', NULL, ?, NULL, 0, (SELECT seq + 1 FROM presence_room_seq), ?)`,
    ).run(clock.ms, clock.ms);
    db.prepare('UPDATE presence_room_seq SET seq = seq + 1').run();
    const rows = () =>
      db.prepare(`SELECT COUNT(*) FROM presence_room_members WHERE process = 'newcomer'`).pluck().get();
    pass(20, one); // ten sweeps
    expect(rows()).toBe(1);
    pass(301, one); // a process that never beat: its rows go once old
    expect(rows()).toBe(0);
    db.close();
  });

  it('are written again when it comes back from a stall long enough to be judged dead and swept', async () => {
    const { one, two, bea } = await beaOnOneAdaOnTwo();
    hooks.length = 0;
    pass(20, one); // the second process stalls: past the TTL, the first sweeps it
    expect(one.presence.roomMembers('doc:42').users.map((u) => u.uid)).toEqual(['bea']);
    pass(4, one, two); // it runs again: its heartbeat is back, and Ada with it
    expect(one.presence.roomMembers('doc:42').users.map((u) => u.uid)).toEqual(['ada', 'bea']);
    const frames = await bea.reader.rest();
    expect(frames.at(-1)).toContain('"join":[["ada"');
    // The sweep let her go, so her return is a join: the host's hooks stay paired.
    expect(hooks.splice(0)).toEqual(['p1 leave doc:42 ada', 'p2 join doc:42 ada']);
  });
});

describe('rooms across processes on a fresh file: the wall clock set, every row swept', () => {
  // A file of its own: the processes of the tests above left rows that still look alive.
  beforeEach(() => {
    file = tempDbPath();
  });

  it('forward by 5 minutes: no member of the other process leaves or disappears', async () => {
    const { one, two, bea } = await beaOnOneAdaOnTwo();
    clock.jump(300);
    pass(20, one, two);
    expect(await bea.reader.rest()).toEqual([]);
    expect(one.presence.roomMembers('doc:42').count).toBe(2);
    // A process started now still sees Ada, whose row the other wrote before the jump.
    const three = start();
    await three.enter('cid');
    pass(2, one, two, three);
    expect(three.presence.roomMembers('doc:42').users.map((u) => u.uid)).toEqual(['ada', 'bea', 'cid']);
  });

  it('forward by 5 minutes just as a leave is written: the other process still sees it', async () => {
    const one = start();
    const two = start();
    const ada = await one.enter('ada');
    const bea = await two.enter('bea');
    pass(2, one, two);
    await bea.reader.rest();
    await ada.reader.cancel();
    const db = new BetterSqlite3(file.path, { readonly: true });
    const left = () => db.prepare('SELECT COUNT(*) FROM presence_room_members WHERE present = 0').pluck().get() !== 0;
    // Ada's process writes her leave after the grace; the clock is set forward before the other reads it.
    for (let s = 0; s < 40 && !left(); s++) {
      clock.advance(1);
      one.tick();
      if (!left()) two.tick();
    }
    db.close();
    clock.jump(301);
    pass(3, two, one);
    expect(await bea.reader.rest()).toEqual([expect.stringContaining('"count":1,"leave":["ada"]}')]);
  });

  it('see a member who comes back after every row was swept (the seq numbering starts again)', async () => {
    const one = start();
    const two = start();
    const guest = await two.enter(null);
    await one.enter(null); // each process holds the room all along
    const ada = await one.enter('ada');
    pass(2, one, two);
    expect(await guest.reader.rest()).toEqual([expect.stringContaining('"join":[["ada"')]);
    await ada.reader.cancel();
    pass(31 + 300 + 10, one, two); // her leave, then 5 minutes on: it is swept, and the table is empty
    expect(await guest.reader.rest()).toEqual([expect.stringContaining('"leave":["ada"]')]);
    const db = new BetterSqlite3(file.path, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM presence_room_members').pluck().get()).toBe(0);
    db.close();
    await one.enter('ada');
    pass(2, one, two);
    expect(await guest.reader.rest()).toEqual([expect.stringContaining('"join":[["ada"')]);
  });

  it('back by 5 minutes: the members of a process that died still leave once its heartbeat runs out', async () => {
    const { one, bea } = await beaOnOneAdaOnTwo();
    processes.splice(1, 1)[0]!.close();
    clock.jump(-300);
    pass(12, one);
    expect(await bea.reader.rest()).toEqual([]);
    // Its last heartbeat reads as 5 minutes ahead: it must not count until the clock catches up.
    pass(6, one);
    expect(await bea.reader.rest()).toEqual([expect.stringContaining('"count":1,"leave":["ada"]}')]);
  });
});

describe('rooms when a process is killed and started again on the file', () => {
  beforeEach(() => {
    file = tempDbPath();
    hooks.length = 0;
  });

  it('call onJoin once for a member whose page reconnects, and onLeave once for one who never comes back', async () => {
    const first = start('old');
    await first.enter('ada');
    await first.enter('bea');
    pass(2, first);
    expect(hooks.splice(0)).toEqual(['old join doc:42 ada', 'old join doc:42 bea']);
    processes.splice(0, 1)[0]!.close(); // kill -9: no goodbye
    clock.advance(3);
    const second = start('new');
    const watcher = await second.enter('ada'); // her page reconnects; Bea's does not
    pass(20, second);
    expect(hooks.splice(0)).toEqual(['new leave doc:42 bea']);
    expect(await watcher.reader.rest()).toEqual([
      expect.stringMatching(/"count":2,"join":\[\["ada","Ada",null,\d+\],\["bea","Bea",null,\d+\]\]\}/),
      expect.stringContaining('"count":1,"leave":["bea"]}'),
    ]);
  });
});
