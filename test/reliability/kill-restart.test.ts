import BetterSqlite3 from 'better-sqlite3';
import { createServer } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnServer, StreamRecorder, tempDbPath } from '../support/index.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('kill -9 and restart', () => {
  it('keeps every acknowledged write, and connected clients reconnect to a fresh, correct snapshot', async () => {
    const file = tempDbPath();
    const port = String(await freePort());
    const first = await spawnServer(file.path, { PORT: port });
    children.push(first.child);
    const stream = new StreamRecorder(`${first.url}/presence`, { uids: ['ada', 'bob'] });
    await stream.waitFor(1);

    const acknowledged = await fetch(`${first.url}/`, { headers: { 'x-forwarded-user': 'ada' } });
    expect(acknowledged.status).toBe(200);
    await stream.waitFor(2);
    expect(stream.frames[1]!.users!.ada!.online).toBe(true);
    const lastSeen = (
      (await (await fetch(`${first.url}/presence/status?uids=ada`)).json()) as { users: { ada: { last_seen: number } } }
    ).users.ada.last_seen;

    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(null);
    const db = new BetterSqlite3(file.path, { readonly: true });
    expect(db.prepare('SELECT uid, last_seen FROM presence_users').all()).toEqual([
      { uid: 'ada', last_seen: lastSeen },
    ]);
    db.close();

    const second = await spawnServer(file.path, { PORT: port });
    children.push(second.child);
    // The same EventSource reconnects by itself (the server's retry hint is 2 s), subscribes on its new
    // session and gets a new snapshot, from a new epoch.
    const frames = await stream.waitFor(3, 15_000);
    expect(frames[2]).toMatchObject({ event: 'snapshot', data: { on: ['ada'], never: ['bob'] } });
    expect(stream.hellos).toHaveLength(2);
    expect(stream.hellos[1]!.epoch).not.toBe(stream.hellos[0]!.epoch);
    stream.close();
    file.cleanup();
  });
});
