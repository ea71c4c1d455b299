import { afterEach, describe, expect, it } from 'vitest';
import { startServer, StreamRecorder, type TestServer } from '../../../test/support/index.js';

let server: TestServer;
afterEach(() => server?.close());
const lastSeen = (uid: string) => server.presence.store.users([uid]).get(uid)?.lastSeen ?? null;

describe('the activity middleware', () => {
  it('records page loads and API calls by signed-in users', async () => {
    server = await startServer();
    await server.visit('ada', '/page');
    expect(lastSeen('ada')).toBe(server.clock.ms);
    server.clock.advance(30);
    await server.visit('ada', '/api/things?page=2');
    expect(lastSeen('ada')).toBe(server.clock.ms);
  });

  it('skips assets and open streams: neither is activity', async () => {
    server = await startServer();
    for (const path of ['/app.js', '/style.css', '/logo.svg', '/font.woff2', '/favicon.ico']) await server.visit('ada', path);
    expect(lastSeen('ada')).toBeNull();
    const stream = new StreamRecorder(`${server.url}/presence/stream?uids=ada`);
    await stream.waitFor(1);
    expect(lastSeen('ada')).toBeNull(); // anonymous here, and an EventSource request is skipped anyway
    await fetch(`${server.url}/presence/stream?uids=bob`, { headers: { 'x-test-user': 'ada', accept: 'text/event-stream' } }).then((r) => r.body?.cancel());
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
});
