import type { ChildProcess } from 'node:child_process';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnServer, StreamRecorder, tempDbPath, type ServerProcess } from '../../../test/support/index.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

async function startBin(dbPath: string): Promise<ServerProcess> {
  const server = await spawnServer(dbPath);
  children.push(server.child);
  return server;
}

describe('the standalone server', () => {
  it('serves on an embedded SQLite file, shuts down cleanly on SIGTERM, and loses nothing', async () => {
    const db = tempDbPath();
    try {
      const first = await startBin(db.path);
      const stream = new StreamRecorder(`${first.url}/presence`, { uids: ['ada'] });
      await stream.waitFor(1);
      await fetch(`${first.url}/`, { headers: { 'x-forwarded-user': 'ada' } });
      await stream.waitFor(2);
      expect(stream.frames[1]).toMatchObject({ event: 'presence', users: { ada: { online: true } } });
      const before = (await (await fetch(`${first.url}/presence/status?uids=ada`)).json()) as {
        users: { ada: { last_seen: number } };
      };
      const lastSeen = before.users.ada.last_seen;

      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      stream.close();

      const file = new BetterSqlite3(db.path, { readonly: true });
      expect(file.prepare('SELECT last_seen FROM presence_users WHERE uid = ?').get('ada')).toEqual({
        last_seen: lastSeen,
      });
      file.close();

      const second = await startBin(db.path);
      const status = await fetch(`${second.url}/presence/status?uids=ada`);
      expect(await status.json()).toMatchObject({ users: { ada: { last_seen: lastSeen } } });
    } finally {
      db.cleanup();
    }
  });
});
