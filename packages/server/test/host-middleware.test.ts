import { Hono, type MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';
import { etag } from 'hono/etag';
import { logger } from 'hono/logger';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { timeout } from 'hono/timeout';
import { timing } from 'hono/timing';
import { afterEach, describe, expect, it } from 'vitest';
import { createPresence, servePresence, type RunningServer } from '../src/index.js';
import { FakeClock, StreamRecorder, tempDbPath } from '../../../test/support/index.js';
import { internalsOf } from '../src/internals.js';

let running: RunningServer | undefined;
let stream: StreamRecorder | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  stream?.close();
  await running?.close();
  cleanup?.();
});

// Common Hono middleware a host mounts app-wide, before the presence routes.
const MIDDLEWARE: Record<string, () => MiddlewareHandler> = {
  'compress()': () => compress({ threshold: 0 }),
  'logger()': () => logger(() => {}),
  'etag()': () => etag(),
  'secureHeaders()': () => secureHeaders(),
  'timeout(200)': () => timeout(200),
  'timing()': () => timing(),
  'requestId()': () => requestId(),
};

describe('a host’s app-wide middleware before the presence routes', () => {
  for (const [name, make] of Object.entries(MIDDLEWARE)) {
    it(`${name}: the stream opens at once and stays live`, async () => {
      const db = tempDbPath();
      cleanup = db.cleanup;
      const clock = new FakeClock();
      const presence = createPresence({
        db: db.path,
        resolveUser: (c) => c.req.header('x-test-user') ?? null,
        now: clock.now,
        monotonic: clock.monotonic,
        tickMs: 3_600_000,
        log: () => {},
      });
      const app = new Hono();
      app.use(make());
      app.use(presence.track);
      app.route('/presence', presence.app);
      app.get('/page', (c) => c.text('a page'));
      running = await servePresence({ app, presence });

      stream = new StreamRecorder(`${running.url}/presence`, { uids: ['ada'] });
      const [snapshot] = await stream.waitFor(1, 2000);
      expect(snapshot).toMatchObject({ event: 'snapshot', users: { ada: { online: false } } });
      await new Promise((resolve) => setTimeout(resolve, 300)); // past timeout(200): still open
      await fetch(`${running.url}/page`, { headers: { 'x-test-user': 'ada' } });
      internalsOf(presence).relay.tick();
      const [, flip] = await stream.waitFor(2, 2000);
      expect(flip).toMatchObject({ event: 'presence', users: { ada: { online: true } } });

      const status = await fetch(`${running.url}/presence/status?uids=ada`, { headers: { 'accept-encoding': 'gzip' } });
      expect(await status.json()).toMatchObject({ users: { ada: { online: true } } });
    });
  }
});
