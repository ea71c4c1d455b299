import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createPresence, type Presence } from '../src/index.js';
import { FakeClock, tempDbPath } from '../../../test/support/index.js';
import { internalsOf } from '../src/internals.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function setup(prepare?: (db: Database) => void, users?: Parameters<typeof createPresence>[0]['users']) {
  const file = tempDbPath();
  const db = new BetterSqlite3(file.path);
  prepare?.(db);
  const clock = new FakeClock();
  const presence = createPresence({
    db,
    now: clock.now,
    tickMs: 3_600_000,
    log: () => {},
    ...(users ? { users } : {}),
  });
  cleanups.push(() => {
    presence.close();
    db.close();
    file.cleanup();
  });
  const writes = () => (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
  const schema = () => db.prepare('SELECT type, name FROM sqlite_master ORDER BY name').all();
  return { db, clock, presence, writes, schema };
}

function browse(presence: Presence, clock: FakeClock, users: number, requests: number, everySeconds: number): void {
  for (let i = 0; i < requests; i++) {
    presence.touch(String(i % users));
    clock.advance(everySeconds);
  }
}

describe('the write throttle', () => {
  it('writes each user at most once per write window, however often they browse', () => {
    const { presence, clock, writes } = setup();
    const before = writes();
    browse(presence, clock, 10, 1000, 0.01); // 1,000 requests from 10 users over 10 s
    expect(writes() - before).toBe(10);

    clock.advance(30); // a full write window later
    browse(presence, clock, 10, 1000, 0.01);
    expect(writes() - before).toBe(20);
  });
});

describe('the kit’s own table', () => {
  it('keeps one row per user, overwritten in place: activity adds no rows and no tables', () => {
    const { presence, clock, db, schema } = setup();
    const tablesBefore = schema();
    browse(presence, clock, 5, 500, 1);
    const count = () => (db.prepare('SELECT COUNT(*) AS n FROM presence_users').get() as { n: number }).n;
    expect(count()).toBe(5);
    browse(presence, clock, 5, 500, 1);
    expect(count()).toBe(5);
    expect(schema()).toEqual(tablesBefore);
    const row = db.prepare('SELECT last_seen FROM presence_users WHERE uid = ?').get('4') as { last_seen: number };
    expect(row.last_seen).toBeGreaterThan(clock.ms - 31_000); // the latest write, not the first
  });

  it('is indexed on last_seen, so the relay reads a range, not the table', () => {
    const { db } = setup();
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT uid FROM presence_users WHERE last_seen >= ?').all(0) as {
      detail: string;
    }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX presence_users_last_seen_idx/);
  });

  it('lets the host set display names and avatars for the roster', () => {
    const { presence } = setup();
    presence.upsertUser({ uid: '1', name: 'Ada', avatar: '/ada.png' });
    presence.touch('1');
    internalsOf(presence).relay.tick();
    expect(presence.roster()).toMatchObject({ count: 1, users: [{ uid: '1', name: 'Ada', avatar: '/ada.png' }] });
    presence.upsertUser({ uid: '1', name: 'Ada L.', avatar: null });
    expect(presence.users(['1']).get('1')).toMatchObject({ name: 'Ada L.', avatar: null });
  });

  it('hands the host a copy of the roster: sorting it its own way changes nothing presence shows', () => {
    const { presence } = setup();
    for (const [uid, name] of [
      ['1', 'Ada'],
      ['2', 'Bob'],
      ['3', 'Carol'],
    ]) {
      presence.upsertUser({ uid: uid!, name: name!, avatar: null });
      presence.touch(uid!);
    }
    internalsOf(presence).relay.tick();
    presence.roster().users.reverse();
    presence.upsertUser({ uid: '4', name: 'Bea', avatar: null });
    presence.touch('4');
    internalsOf(presence).relay.tick();
    expect(presence.roster().users.map((u) => u.name)).toEqual(['Ada', 'Bea', 'Bob', 'Carol']);
  });
});

describe('a host’s existing users table', () => {
  const hostTable = (db: Database) => {
    db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT NOT NULL, avatar TEXT, email TEXT)');
    const insert = db.prepare('INSERT INTO users (id, username, avatar) VALUES (?, ?, ?)');
    insert.run(7, 'grace', '/g.png');
    insert.run(8, 'alan', null);
  };
  const mapping = { table: 'users', id: 'id', name: 'username', avatar: 'avatar' };

  it('adds the last_seen column and its index, and updates rows in place', () => {
    const { presence, db } = setup(hostTable, mapping);
    const columns = (db.prepare("SELECT name FROM pragma_table_info('users')").all() as { name: string }[]).map(
      (c) => c.name,
    );
    expect(columns).toContain('last_seen');
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users'").all()).toEqual([
      { name: 'users_last_seen_idx' },
    ]);

    presence.touch('7');
    presence.touch('999'); // not a user of the host: nothing is inserted
    internalsOf(presence).relay.tick();
    expect((db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n).toBe(2);
    expect(presence.roster()).toMatchObject({ count: 1, users: [{ uid: '7', name: 'grace', avatar: '/g.png' }] });
    expect(internalsOf(presence).relay.statuses(['7', '8'], internalsOf(presence).store.users(['7', '8']))).toEqual({
      '7': { online: true, last_seen: expect.any(Number) },
      '8': { online: false, last_seen: null },
    });
  });

  it('hands the host its users as rows the render helpers read, whatever the column names', () => {
    const withHidden = (db: Database) => {
      hostTable(db);
      db.exec('ALTER TABLE users ADD COLUMN is_hidden INTEGER NOT NULL DEFAULT 0');
    };
    const { presence, clock } = setup(withHidden, { ...mapping, lastSeen: 'seen_at', hidden: 'is_hidden' });
    presence.touch('7');
    presence.touch('8');
    presence.setHidden('8', true);
    internalsOf(presence).relay.tick();
    const users = presence.users(['7', '8', '9']);
    expect([...users.keys()].sort()).toEqual(['7', '8']); // 9 is nobody
    expect(users.get('7')).toMatchObject({
      uid: '7',
      name: 'grace',
      avatar: '/g.png',
      last_seen: clock.ms,
      hidden: false,
    });
    expect(users.get('8')).toMatchObject({ uid: '8', name: 'alan', avatar: null, last_seen: clock.ms, hidden: true });
    const server = `server-now="${clock.ms}" server-window="60 20"`;
    expect(presence.renderDot(users.get('7')!)).toBe(
      `<presence-dot uid="7" last-seen="${clock.ms}" online ${server}></presence-dot>`,
    );
    expect(presence.renderDot(users.get('8')!)).toBe(`<presence-dot uid="8" ${server}></presence-dot>`);
    expect(presence.stats()).toEqual({ streams: 0, watchedUids: 0 });
  });

  it('works again on restart, with the column and index already there', () => {
    const file = tempDbPath();
    cleanups.push(file.cleanup);
    for (let run = 0; run < 2; run++) {
      const db = new BetterSqlite3(file.path);
      if (run === 0) hostTable(db);
      const presence = createPresence({ db, users: mapping, log: () => {} });
      presence.touch('8');
      presence.close();
      db.close();
    }
  });

  it('explains configuration mistakes in one sentence', () => {
    const attempt =
      (users: Record<string, unknown>, prepare = hostTable) =>
      () =>
        setup(prepare, users);
    expect(attempt({ table: 'users; DROP TABLE users' })).toThrow(
      /table "users; DROP TABLE users" is not a plain SQL identifier/,
    );
    expect(attempt({ ...mapping, name: 'user name' })).toThrow(/name column "user name" is not a plain SQL identifier/);
    expect(attempt({ table: 'members' })).toThrow(/table "members" does not exist/);
    expect(attempt({ ...mapping, avatar: 'photo' })).toThrow(/has no avatar column "photo"/);
    expect(
      attempt({ ...mapping, lastSeen: 'seen_at' }, (db) => {
        hostTable(db);
        db.exec('ALTER TABLE users ADD COLUMN seen_at TEXT');
      }),
    ).toThrow(/must be INTEGER epoch ms/);
  });

  it('says what to do when the users table is missing, and leaves nothing behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'presence-kit-missing-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'app.db');
    const start = () => createPresence({ db: path, users: mapping, log: () => {} });

    // No such file: it is not created.
    expect(start).toThrow(
      `presence-kit: database file "${path}" does not exist, so neither does table "users"; point \`db\` at your app's database, or leave \`users\` unset to use the kit's own table.`,
    );
    expect(readdirSync(dir)).toEqual([]);

    // A database without the table: the kit's connection is closed again, so no -wal or -shm stays.
    const other = new BetterSqlite3(path);
    other.exec('CREATE TABLE posts (id INTEGER PRIMARY KEY)');
    other.close();
    expect(start).toThrow(
      'presence-kit: table "users" does not exist in this database; point `db` at the database that holds your users, or leave `users` unset to use the kit\'s own table.',
    );
    expect(readdirSync(dir)).toEqual(['app.db']);
  });
});
