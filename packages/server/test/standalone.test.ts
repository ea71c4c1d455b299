import type { ChildProcess } from 'node:child_process';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnServer, StreamRecorder, tempDbPath, type ServerProcess } from '../../../test/support/index.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

async function startBin(dbPath: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await spawnServer(dbPath, env);
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

  it('believes the user header only from a listed proxy, and says once why it ignored one', async () => {
    const db = tempDbPath();
    try {
      const lastSeen = async (url: string) =>
        (
          (await (await fetch(`${url}/presence/status?uids=ada`)).json()) as {
            users: { ada: { last_seen: number | null } };
          }
        ).users.ada.last_seen;
      // The tests' requests come from 127.0.0.1: not the listed proxy, then the listed one.
      const elsewhere = await startBin(db.path, { PRESENCE_TRUST_PROXY: '10.9.9.9' });
      for (let i = 0; i < 2; i++) await fetch(`${elsewhere.url}/`, { headers: { 'x-forwarded-user': 'ada' } });
      expect(await lastSeen(elsewhere.url)).toBeNull();
      expect(elsewhere.output().match(/ignored x-forwarded-user/g)).toHaveLength(1);
      expect(elsewhere.output()).toContain("add the proxy's address there if it is yours");
      elsewhere.child.kill('SIGTERM');
      await elsewhere.exited;

      const proxied = await startBin(db.path, { PRESENCE_TRUST_PROXY: '127.0.0.1' });
      await fetch(`${proxied.url}/`, { headers: { 'x-forwarded-user': 'ada' } });
      expect(await lastSeen(proxied.url)).toEqual(expect.any(Number));
    } finally {
      db.cleanup();
    }
  });

  it("shows the auth proxy's display name header in the roster, writing it only when it changes", async () => {
    const db = tempDbPath();
    try {
      const server = await startBin(db.path, { PRESENCE_NAME_HEADER: 'X-Forwarded-Preferred-Username' });
      const visit = (name: string) =>
        fetch(`${server.url}/`, {
          headers: { 'x-forwarded-user': 'u-7f3a', 'x-forwarded-preferred-username': name },
        });
      const file = new BetterSqlite3(db.path);
      // Counts every write of a name, through the kit's own table.
      file.exec(`CREATE TABLE name_writes (n INTEGER); INSERT INTO name_writes VALUES (0);
        CREATE TRIGGER count_names AFTER UPDATE OF name ON presence_users BEGIN UPDATE name_writes SET n = n + 1; END;`);
      for (let i = 0; i < 5; i++) await visit('Ada Lovelace');
      await visit('Ada King');
      const roster = async () =>
        ((await (await fetch(`${server.url}/presence/roster`)).json()) as { users: { name: string }[] }).users;
      await expect.poll(roster).toEqual([expect.objectContaining({ uid: 'u-7f3a', name: 'Ada King' })]);
      expect(file.prepare('SELECT n FROM name_writes').pluck().get()).toBeLessThanOrEqual(2);
      file.close();
    } finally {
      db.cleanup();
    }
  });
});
