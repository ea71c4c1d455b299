import { spawn } from 'node:child_process';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createPresence } from '../../packages/server/src/index.js';
import { spawnServer, startServer, tempDbPath, type TestServer } from '../support/index.js';

/** Another OS process takes the write lock and holds it until told to let go. */
async function holdWriteLock(dbPath: string): Promise<{ release(): Promise<void> }> {
  const holder = spawn(
    process.execPath,
    [
      '-e',
      `const db = new (require('better-sqlite3'))(process.argv[1]);
       db.exec('BEGIN IMMEDIATE; UPDATE presence_users SET name = name;');
       console.log('locked');
       process.stdin.once('data', () => { db.exec('COMMIT'); db.close(); process.exit(0); });`,
      dbPath,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
  return {
    release: () =>
      new Promise((resolve) => {
        holder.once('exit', () => resolve());
        holder.stdin!.write('go\n');
      }),
  };
}

let server: TestServer;
afterEach(() => server?.close());

describe('a database locked by another process', () => {
  it('neither fails nor slows the host’s requests; the touch is retried and the fault logged once', async () => {
    const log: string[] = [];
    server = await startServer({ log: (m) => log.push(m) });
    await server.visit('warmup');
    const lock = await holdWriteLock(server.dbPath);

    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await server.visit(`u${i % 10}`)).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(log).toEqual([expect.stringMatching(/^presence-kit: recording activity failed \(database is locked\)/)]);
    expect(server.presence.users(['u1']).get('u1')).toBeUndefined();

    await lock.release();
    await server.visit('u1'); // not throttled: the failed write was never recorded as done
    expect(server.presence.users(['u1']).get('u1')?.last_seen).toBe(server.clock.ms);
    expect(log.at(-1)).toMatch(/recording activity works again after 30 failures/);
  });

  it('does not make a host connection wait out its own busy timeout, and restores it', async () => {
    const file = tempDbPath();
    const db = new BetterSqlite3(file.path, { timeout: 5000 });
    db.pragma('journal_mode = WAL');
    const presence = createPresence({ db, log: () => {} });
    try {
      presence.touch('setup');
      const lock = await holdWriteLock(file.path);
      const started = performance.now();
      for (let i = 0; i < 5; i++) expect(presence.touch(`u${i}`)).toBe(false);
      // Waiting on the lock would take 5 × 5 s; not waiting takes milliseconds.
      expect(performance.now() - started).toBeLessThan(5000);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
      await lock.release();
      expect(presence.touch('u0')).toBe(true);
    } finally {
      presence.close();
      db.close();
      file.cleanup();
    }
  });
});

describe('processes starting together on one new file', () => {
  it('wait for each other while they set the file up, instead of failing with "database is locked"', async () => {
    const file = tempDbPath();
    // Another process is setting the file up (creating its tables) and lets go 500 ms from now.
    const other = spawn(
      process.execPath,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(process.argv[1]);
         db.pragma('journal_mode = WAL');
         db.exec('BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS elsewhere (x);');
         console.log('locked');
         setTimeout(() => { db.exec('COMMIT'); db.close(); }, 500);`,
        file.path,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => other.stdout!.once('data', () => resolve()));
    const presence = createPresence({ db: file.path, log: () => {} });
    try {
      presence.touch('ada');
      expect(presence.users(['ada']).has('ada')).toBe(true);
    } finally {
      await presence.close();
      other.kill();
      file.cleanup();
    }
  });

  it('all start when four are launched at once on a file that does not exist yet', async () => {
    const file = tempDbPath();
    const servers = await Promise.all([1, 2, 3, 4].map(() => spawnServer(file.path)));
    try {
      expect(await Promise.all(servers.map(async (s) => (await fetch(`${s.url}/presence/roster`)).status))).toEqual([
        200, 200, 200, 200,
      ]);
    } finally {
      for (const s of servers) s.child.kill();
      await Promise.all(servers.map((s) => s.exited));
      file.cleanup();
    }
  }, 60_000);
});
