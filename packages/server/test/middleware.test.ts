import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, StreamRecorder, type TestServer } from '../../../test/support/index.js';
import { internalsOf } from '../src/internals.js';

let server: TestServer;
afterEach(() => server?.close());
const lastSeen = (uid: string) => server.presence.users([uid]).get(uid)?.last_seen ?? null;

describe('the activity middleware', () => {
  it('records page loads and API calls by signed-in users', async () => {
    server = await startServer();
    await server.visit('ada', '/page');
    expect(lastSeen('ada')).toBe(server.clock.ms);
    server.clock.advance(30);
    await server.visit('ada', '/api/things?page=2');
    expect(lastSeen('ada')).toBe(server.clock.ms);
  });

  it('skips assets, open streams and subscription changes: none is activity', async () => {
    server = await startServer();
    for (const path of ['/app.js', '/style.css', '/logo.svg', '/font.woff2', '/favicon.ico'])
      await server.visit('ada', path);
    expect(lastSeen('ada')).toBeNull();
    const stream = new StreamRecorder(`${server.url}/presence`, { uids: ['ada'] });
    await stream.waitFor(1);
    expect(lastSeen('ada')).toBeNull(); // anonymous here, and an EventSource request is skipped anyway
    await fetch(`${server.url}/presence/stream?v=2`, {
      headers: { 'x-test-user': 'ada', accept: 'text/event-stream' },
    }).then((r) => r.body?.cancel());
    const subscribe = await fetch(`${server.url}/presence/subscribe`, {
      method: 'POST',
      headers: { 'x-test-user': 'ada', 'content-type': 'application/json' },
      body: JSON.stringify({ sid: stream.hellos[0]!.sid, add: ['bob'] }),
    });
    expect(subscribe.status).toBe(200);
    expect(lastSeen('ada')).toBeNull();
    stream.close();
  });

  it('ignores guests and takes a custom skip rule', async () => {
    server = await startServer({ skip: (c) => c.req.path.startsWith('/health') });
    await fetch(`${server.url}/page`); // no user
    await server.visit('ada', '/health');
    expect(lastSeen('ada')).toBeNull();
    await server.visit('ada', '/app.js'); // the custom rule replaces the default
    expect(lastSeen('ada')).toBe(server.clock.ms);
  });

  it('never fails the host’s request when resolving the user throws', async () => {
    const log: string[] = [];
    server = await startServer({
      resolveUser: () => {
        throw new Error('session store down');
      },
      log: (m) => log.push(m),
    });
    const responses = await Promise.all([server.visit('x'), server.visit('y'), server.visit('z')]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(log).toEqual([expect.stringContaining('resolving the current user failed (session store down)')]);
  });

  it('records only valid uids from resolveUser: the rest are skipped, logged at most once a minute', async () => {
    const log: string[] = [];
    server = await startServer({ resolveUser: (c) => c.req.header('x-test-user') ?? null, log: (m) => log.push(m) });
    const bad = ['x'.repeat(8000), '<img src=x onerror=alert(1)>', 'a,b', 'ada bob'];
    const responses = await Promise.all(bad.map((uid) => server.visit(uid)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await server.visit('ada');
    internalsOf(server.presence).relay.tick();

    const db = new BetterSqlite3(server.dbPath, { readonly: true });
    expect(db.prepare('SELECT uid FROM presence_users').all()).toEqual([{ uid: 'ada' }]);
    db.close();
    expect(server.presence.roster().users.map((u) => u.uid)).toEqual(['ada']);
    const roster = (await (await fetch(`${server.url}/presence/roster`)).json()) as { count: number };
    expect(roster.count).toBe(1);

    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(
      /^presence-kit: skipped activity for "x{20}…": a uid is 1-64 letters, digits or _ \. : @ -; /,
    );
    server.clock.advance(61);
    await server.visit('<b>');
    expect(log).toHaveLength(2);
    expect(log[1]).toContain('"<b>"');
    expect(log[1]).toContain('3 more like it since the last report');
  });
});
