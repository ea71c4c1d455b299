import { Hono, type MiddlewareHandler } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { createPresence, servePresence, type Presence, type RunningServer } from '../src/index.js';
import { createTestApp, eventually, FakeClock, tempDbPath } from '../../../test/support/index.js';
import { internalsOf } from '../src/internals.js';
import { NodeSseConnection } from '../src/node-stream.js';
import { WebSseConnection } from '../src/sse-connection.js';

// Under @hono/node-server the stream is written to the Node response, its head from the
// answer as the host's middleware left it. The edges of that: a middleware that replaces
// the answer, a stream that ends before its head is out, and the portable path elsewhere.

let running: RunningServer | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  await running?.close();
  cleanup?.();
});

async function serveWith(
  middleware: (presence: Presence) => MiddlewareHandler,
): Promise<{ url: string; presence: Presence }> {
  const db = tempDbPath();
  cleanup = db.cleanup;
  const clock = new FakeClock();
  const presence = createPresence({
    db: db.path,
    now: clock.now,
    monotonic: clock.monotonic,
    tickMs: 3_600_000,
    log: () => {},
  });
  const app = new Hono();
  app.use(middleware(presence));
  app.route('/presence', presence.app);
  running = await servePresence({ app, presence });
  return { url: `${running.url}/presence`, presence };
}

describe('the stream on the Node response', () => {
  it('sends the answer of a middleware that replaces it after the handler, and ends the session', async () => {
    const { url, presence } = await serveWith(() => async (c, next) => {
      await next();
      c.res = c.json({ error: { code: 'forbidden', message: 'not here' } }, 403);
    });
    const response = await fetch(`${url}/stream?v=2`);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: 'forbidden', message: 'not here' } });
    await eventually(() => presence.stats().streams === 0, 'the replaced stream’s session ended');
  });

  it('still sends a complete answer (head, retry hint, hello, end) for a stream closed before its head went out', async () => {
    const { url, presence } = await serveWith((presence) => async (_c, next) => {
      await next();
      for (const session of internalsOf(presence).relay.sessions.all()) session.connection.close();
    });
    const response = await fetch(`${url}/stream?v=2`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await response.text()).toMatch(
      /^retry: 2000\n\nevent: hello\ndata: \{"v":2,"sid":"[\w-]{8}\.[\w-]{22}",[^\n]*\n\n$/,
    );
    expect(presence.stats().streams).toBe(0);
  });

  it('keeps the portable ReadableStream path where there is no Node response (app.request)', async () => {
    const host = createTestApp();
    try {
      const session = await host.session();
      const [open] = internalsOf(host.presence).relay.sessions.all();
      expect(open?.connection).toBeInstanceOf(WebSseConnection);
      expect(open?.connection).not.toBeInstanceOf(NodeSseConnection);
      await session.reader.cancel();
    } finally {
      host.close();
    }
  });
});
