import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, settle, startServer, StreamRecorder, type TestServer, type Watch } from '../support/index.js';
import { internalsOf } from '../../packages/server/src/internals.js';

let server: TestServer;
const streams: StreamRecorder[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  await server?.close();
});
const open = (watch: Watch) => {
  const s = new StreamRecorder(`${server.url}/presence`, watch);
  streams.push(s);
  return s;
};
const json = async (path: string, init?: RequestInit) => (await fetch(`${server.url}${path}`, init)).json();

describe('hide my status', () => {
  it('shows a hidden user as offline and never seen in the stream, bulk, roster and SSR alike', async () => {
    server = await startServer();
    server.presence.upsertUser({ uid: 'hana', name: 'Hana', avatar: null });
    await server.visit('hana');
    await server.visit('olaf');
    internalsOf(server.presence).relay.tick();
    const watcher = open({ uids: ['hana', 'olaf'], roster: {} });
    await watcher.waitFor(2);
    expect(watcher.frames[0]!.users!.hana).toEqual({ online: true, last_seen: server.clock.ms });

    server.presence.setHidden('hana', true);
    await watcher.waitFor(4);
    const hidden = { online: false, last_seen: null };
    expect(watcher.frames[2]).toMatchObject({ event: 'presence', users: { hana: hidden } });
    expect(watcher.frames[3]).toMatchObject({ event: 'roster', data: { count: 1, leave: ['hana'] } });

    server.clock.advance(40);
    await server.visit('hana'); // still active, still stored as the one timestamp, still invisible
    internalsOf(server.presence).relay.tick();
    await settle();
    expect(watcher.frames).toHaveLength(4);
    await expect(open({ uids: ['hana'] }).waitFor(1)).resolves.toMatchObject([{ users: { hana: hidden } }]);
    expect(await json('/presence/status?uids=hana')).toMatchObject({ users: { hana: hidden } });
    expect((await json('/presence/roster')).users.map((u: { uid: string }) => u.uid)).toEqual(['olaf']);
    const row = server.presence.users(['hana']).get('hana')!;
    expect(row).toMatchObject({ last_seen: server.clock.ms, hidden: true }); // the host still sees its own data
    expect(server.presence.statusOf({ uid: 'hana', last_seen: row.last_seen, hidden: 1 })).toEqual(hidden);
    expect(server.presence.renderDot({ uid: 'hana', last_seen: row.last_seen, hidden: 1 })).toBe(
      `<presence-dot uid="hana" server-now="${server.clock.ms}" server-window="60 20"></presence-dot>`,
    );
    expect(server.presence.renderDot(row)).toBe(
      `<presence-dot uid="hana" server-now="${server.clock.ms}" server-window="60 20"></presence-dot>`,
    );

    server.presence.setHidden('hana', false);
    await watcher.waitFor(6);
    expect(watcher.frames[4]).toMatchObject({ event: 'presence', users: { hana: { online: true } } });
  });
});

describe('who may watch whom', () => {
  it('lets an authorize hook restrict uids, answering 403 for the others', async () => {
    server = await startServer({
      authorize: (c, uids) => (c.req.header('x-test-user') === 'admin' ? uids : uids.filter((u) => u !== 'secret')),
    });
    const stream = open({ uids: ['1', 'secret'] });
    await expect(stream.waitFor(1)).rejects.toThrow(/subscribing was refused: 403 forbidden/);
    expect(server.presence.stats().watchedUids).toBe(0);
    const body = await json('/presence/status?uids=secret');
    expect(body.error).toEqual({ code: 'forbidden', message: expect.stringContaining('"secret"') });
    expect(
      (await fetch(`${server.url}/presence/status?uids=secret`, { headers: { 'x-test-user': 'admin' } })).status,
    ).toBe(200);
  });

  it('sends no CORS headers unless configured, and the configured origin when it is', async () => {
    server = await startServer();
    const plain = await fetch(`${server.url}/presence/roster`, { headers: { origin: 'https://evil.example' } });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
    await server.close();

    server = await startServer({ cors: { origin: 'https://app.example' } });
    const allowed = await fetch(`${server.url}/presence/roster`, { headers: { origin: 'https://app.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const other = await fetch(`${server.url}/presence/roster`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
  });
});

describe('the privacy promise', () => {
  it('activity leaves exactly one timestamp per user, overwritten in place: no other table or row grows', async () => {
    server = await startServer();
    const db = new BetterSqlite3(server.dbPath);
    const snapshot = () => {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
        name: string;
      }[];
      return {
        schema: db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all(),
        rows: Object.fromEntries(
          tables.map(({ name }) => [
            name,
            (db.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n,
          ]),
        ),
      };
    };
    const browse = async () => {
      for (let i = 0; i < 600; i++) {
        await server.visit(`user${i % 10}`);
        server.clock.advance(1);
      }
    };
    await browse();
    const first = snapshot();
    // Open pages are one more overwritten time per user per process (none here: no stream is open).
    expect(first.rows).toEqual({ presence_pages: 0, presence_users: 10 });
    const pages = () => {
      db.pragma('wal_checkpoint(TRUNCATE)');
      return db.pragma('page_count', { simple: true });
    };
    const pagesAfterFirst = pages();

    await browse();
    expect(snapshot()).toEqual(first);
    expect(pages()).toBe(pagesAfterFirst);
    const rows = db.prepare('SELECT uid, last_seen FROM presence_users ORDER BY uid').all() as { last_seen: number }[];
    expect(rows.every((r) => r.last_seen > server.clock.ms - 31_000)).toBe(true); // the latest, not a history
    db.close();
  });
});

describe('connection limits', () => {
  it('caps streams per process with 503 and Retry-After, and frees the slot when a stream closes', async () => {
    server = await startServer({ maxStreams: 3 });
    const held = [open({ uids: ['1'] }), open({ uids: ['2'] }), open({ uids: ['3'] })];
    await Promise.all(held.map((s) => s.waitFor(1)));
    const refused = await fetch(`${server.url}/presence/stream?v=2`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await refused.json()).error.code).toBe('too_many_streams');

    held[0]!.close();
    await eventually(() => server.presence.stats().streams === 2, 'the server forgets the closed stream');
    await open({ uids: ['4'] }).waitFor(1);
  });
});
