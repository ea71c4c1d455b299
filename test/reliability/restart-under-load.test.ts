import type { ChildProcess } from 'node:child_process';
import { EventSource } from 'eventsource';
import { afterEach, describe, expect, it } from 'vitest';
import type { HelloFrame } from '@presence-kit/core';
import { eventually, freePort, settle, spawnServer, StreamRecorder, tempDbPath } from '../support/index.js';

// 200 signed-in people with a page open (half of them in a room), idle on, and the server
// stopped and started again on the same SQLite file while their pages reconnect by themselves.

const USERS = Array.from({ length: 200 }, (_, i) => `u${String(i).padStart(3, '0')}`);
const IN_ROOM = new Set(USERS.slice(0, 100));
/** Whose pages do not come back after the restart (their tabs closed meanwhile). */
const GONE = new Set(USERS.slice(190));
const ENV = {
  PRESENCE_TIMEOUT_SECONDS: '4',
  PRESENCE_ONLINE_MARGIN_SECONDS: '5',
  PRESENCE_IDLE_SECONDS: '1',
  PRESENCE_ROOM_GRACE_SECONDS: '5',
  // Each person from their own address (behind one proxy), as on a real site: not 200 streams from one client.
  PRESENCE_TRUST_PROXY: '1',
};

const children: ChildProcess[] = [];
const sources = new Map<string, EventSource>();
afterEach(() => {
  for (const source of sources.values()) source.close();
  sources.clear();
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** One person's page: a real EventSource as them (the proxy's header), which enters the room again on every new session. */
function openPage(base: () => string, uid: string, i: number): void {
  const headers = { 'x-forwarded-user': uid, 'x-forwarded-for': `10.0.${i >> 8}.${i & 255}` };
  let active = false;
  const source = new EventSource(`${base()}/presence/stream?v=2`, {
    fetch: (url, init) => fetch(url, { ...init, headers: { ...init.headers, ...headers } }),
  });
  sources.set(uid, source);
  source.addEventListener('hello', (e) => {
    const { sid } = JSON.parse(e.data) as HelloFrame;
    const body = { sid, since: e.lastEventId || undefined, ...(IN_ROOM.has(uid) ? { rooms: { 'doc:1': {} } } : {}) };
    void fetch(`${base()}/presence/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }).then((answer) => answer.arrayBuffer());
    // One interaction on the first page, then none: everyone goes idle with the page open.
    if (!active) void fetch(`${base()}/presence/activity`, { method: 'POST', headers }).then((a) => a.arrayBuffer());
    active = true;
  });
}

interface Sample {
  count: number;
  idle: number;
  room: number;
}
async function sample(url: string): Promise<Sample | null> {
  try {
    const roster = (await (await fetch(`${url}/presence/roster`)).json()) as {
      count: number;
      users: { idle?: true }[];
    };
    const room = (await (await fetch(`${url}/presence/rooms/doc:1`)).json()) as { count: number };
    return { count: roster.count, idle: roster.users.filter((u) => u.idle).length, room: room.count };
  } catch {
    return null; // not listening (yet)
  }
}

describe.each(['SIGKILL', 'SIGTERM'] as const)('%s and a restart on the same file, under load', (signal) => {
  it('flips no one offline or online, keeps everyone idle and in their room, and lets no dead row hold anyone', async () => {
    const file = tempDbPath();
    const port = String(await freePort());
    const first = await spawnServer(file.path, { PORT: port, ...ENV });
    children.push(first.child);
    const url = first.url;
    USERS.forEach((uid, i) => openPage(() => url, uid, i));
    const watcher = new StreamRecorder(`${url}/presence`, { roster: {} });
    await eventually(
      async () => {
        const now = await sample(url);
        return now?.count === 200 && now.idle === 200 && now.room === 100;
      },
      'everyone present, idle, half in the room',
      20_000,
    );
    const before = watcher.frames.length;

    for (const uid of GONE) sources.get(uid)!.close();
    first.child.kill(signal);
    await first.exited;
    const second = await spawnServer(file.path, { PORT: port, ...ENV });
    children.push(second.child);

    // Until the pages that did not come back have run out (their dead rows, then the margin).
    const samples: Sample[] = [];
    const until = Date.now() + 11_000;
    while (Date.now() < until) {
      const now = await sample(url);
      if (now && now.room > 0) samples.push(now);
      await settle(100);
    }
    expect(samples.length).toBeGreaterThan(10);
    // Everyone idle all along, the room whole, and only the count of those gone going down.
    expect(samples.filter((s) => s.count < 190 || s.count > 200 || s.idle !== s.count || s.room !== 100)).toEqual([]);
    expect(samples.at(-1)!.count).toBe(190);
    // The watcher's new session: one roster window, then only the leaves of those gone.
    const after = watcher.frames.slice(before).filter((f) => f.event === 'roster');
    expect(after[0]?.data.count).toBeGreaterThanOrEqual(190);
    expect(after.slice(1).flatMap((f) => (f.data.join ?? []) as unknown[])).toEqual([]);
    const left = after.slice(1).flatMap((f) => (f.data.leave ?? []) as string[]);
    expect(left.every((uid) => GONE.has(uid))).toBe(true);
    watcher.close();
    file.cleanup();
  }, 45_000);
});
