import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamRecorder, tempDbPath } from './support.js';

const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Starts the standalone server as its own process and resolves with its URL. */
function startBin(dbPath: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(tsx, ['--conditions', 'source', bin], {
    env: { ...process.env, PORT: '0', PRESENCE_DB: dbPath, PRESENCE_USER_HEADER: 'x-forwarded-user' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

describe('the standalone server', () => {
  it('serves on an embedded SQLite file, shuts down cleanly on SIGTERM, and loses nothing', async () => {
    const db = tempDbPath();
    try {
      const first = await startBin(db.path);
      const stream = new StreamRecorder(`${first.url}/presence/stream?uids=ada`);
      await stream.waitFor(1);
      await fetch(`${first.url}/`, { headers: { 'x-forwarded-user': 'ada' } });
      await stream.waitFor(2);
      expect(stream.frames[1]).toMatchObject({ event: 'presence', data: { users: { ada: { online: true } } } });
      const lastSeen = stream.frames[1]!.data.users.ada.last_seen as number;

      const exited = new Promise<number | null>((resolve) => first.child.on('exit', resolve));
      first.child.kill('SIGTERM');
      expect(await exited).toBe(0);
      stream.close();

      const file = new BetterSqlite3(db.path, { readonly: true });
      expect(file.prepare('SELECT last_seen FROM presence_users WHERE uid = ?').get('ada')).toEqual({ last_seen: lastSeen });
      file.close();

      const second = await startBin(db.path);
      const status = await fetch(`${second.url}/presence/status?uids=ada`);
      expect(await status.json()).toMatchObject({ users: { ada: { last_seen: lastSeen } } });
    } finally {
      db.cleanup();
    }
  });
});
