import { afterEach, describe, expect, it } from 'vitest';
import { applyRosterFrame, type RosterEntry } from '@presence-kit/core';
import { startServer, StreamRecorder, type TestServer } from '../../../test/support/index.js';
import { internalsOf } from '../src/internals.js';

// Valid uids that name Object.prototype members: a plain `{}` map loses or corrupts them.
const ODD = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

let server: TestServer;
let stream: StreamRecorder | undefined;
afterEach(async () => {
  stream?.close();
  await server.close();
});

/** A status map's own entries, sorted: JSON.parse keeps `__proto__` as an own key, an object literal would not. */
const entries = (users: Record<string, unknown>) => Object.entries(users).sort(([a], [b]) => (a < b ? -1 : 1));
const each = (status: unknown) => [...ODD].sort().map((uid) => [uid, status]);

describe('odd-but-valid uids round-trip everywhere', () => {
  it('through snapshots, presence frames, the roster and /status GET and POST', async () => {
    server = await startServer();
    stream = new StreamRecorder(`${server.url}/presence`, { uids: ODD, roster: {} });
    const [snapshot] = await stream.waitFor(2);
    expect(entries(snapshot!.users!)).toEqual(each({ online: false, last_seen: null }));

    for (const uid of ODD) await server.visit(uid);
    internalsOf(server.presence).relay.tick();
    // Each visit may nudge its own tick: gather the presence frames until every uid has flipped.
    const online = { online: true, last_seen: server.clock.ms };
    const flipped = () =>
      stream!
        .of('presence')
        .flatMap((f) => entries(f.users!))
        .sort(([a], [b]) => (a < b ? -1 : 1));
    for (let n = 3; flipped().length < ODD.length; n++) await stream.waitFor(n);
    expect(flipped()).toEqual(each(online));
    const roster = () =>
      stream!
        .of('roster')
        .reduce((window, f) => applyRosterFrame(window.users, f.data), { count: 0, users: [] as RosterEntry[] });
    for (let n = stream.frames.length + 1; roster().count !== ODD.length; n++) await stream.waitFor(n);
    expect(
      roster()
        .users.map((u) => u.uid)
        .sort(),
    ).toEqual([...ODD].sort());

    const get = await fetch(`${server.url}/presence/status?uids=${ODD.join(',')}`);
    expect(entries(((await get.json()) as { users: Record<string, unknown> }).users)).toEqual(each(online));
    const post = await fetch(`${server.url}/presence/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uids: ODD }),
    });
    expect(entries(((await post.json()) as { users: Record<string, unknown> }).users)).toEqual(each(online));

    const reconnected = new StreamRecorder(`${server.url}/presence`, { uids: ODD });
    try {
      const [again] = await reconnected.waitFor(1);
      expect(entries(again!.users!)).toEqual(each(online));
    } finally {
      reconnected.close();
    }
  });
});
