import type { MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';
import { cors } from 'hono/cors';
import { etag } from 'hono/etag';
import { logger } from 'hono/logger';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { timeout } from 'hono/timeout';
import { timing } from 'hono/timing';
import { afterEach, describe, expect, it } from 'vitest';
import { servePresence, type RunningServer } from '../src/index.js';
import { createTestHost, FakeClock, StreamRecorder, tempDbPath } from '../../../test/support/index.js';
import { internalsOf } from '../src/internals.js';
import { NodeSseConnection } from '../src/node-stream.js';

let running: RunningServer | undefined;
let stream: StreamRecorder | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  stream?.close();
  await running?.close();
  cleanup?.();
});

interface HostMiddleware {
  make: () => MiddlewareHandler;
  /** Headers it puts on the stream's answer, some of them on the way out (after the handler). */
  adds?: Record<string, string | RegExp>;
  absent?: string[];
  cookies?: string[];
}

// Common Hono middleware a host mounts app-wide, before the presence routes.
const MIDDLEWARE: Record<string, HostMiddleware> = {
  'compress()': { make: () => compress({ threshold: 0 }), absent: ['content-encoding'] },
  'logger()': { make: () => logger(() => {}) },
  // Without a body to hash (the stream is written to the Node response), it adds no ETag.
  'etag()': { make: () => etag(), absent: ['etag'] },
  'secureHeaders()': {
    make: () => secureHeaders(),
    adds: { 'x-frame-options': 'SAMEORIGIN', 'strict-transport-security': 'max-age=15552000; includeSubDomains' },
  },
  'timeout(200)': { make: () => timeout(200) },
  'timing()': { make: () => timing(), adds: { 'server-timing': /^total;dur=/ } },
  'requestId()': { make: () => requestId(), adds: { 'x-request-id': /^[0-9a-f-]{36}$/ } },
  // Sets the allow headers before the handler and appends Vary after it.
  'cors({ origin, credentials })': {
    make: () => cors({ origin: 'https://pages.example', credentials: true }),
    adds: {
      'access-control-allow-origin': 'https://pages.example',
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    },
  },
  'a host’s own headers and cookies, before and after the handler': {
    make: () => async (c, next) => {
      c.header('x-before', 'one');
      await next();
      c.header('x-after', 'two');
      c.res.headers.append('set-cookie', 'a=1; Path=/');
      c.res.headers.append('set-cookie', 'b=2; Path=/');
    },
    adds: { 'x-before': 'one', 'x-after': 'two' },
    cookies: ['a=1; Path=/', 'b=2; Path=/'],
  },
};

/** The stream's answer as a browser gets it (head and opening frames), then it goes away. */
async function streamHead(url: string): Promise<{ headers: Headers; opening: string }> {
  const leave = new AbortController();
  const response = await fetch(`${url}/presence/stream?v=2`, {
    headers: { origin: 'https://pages.example', 'accept-encoding': 'gzip' },
    signal: leave.signal,
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let opening = '';
  while (!opening.includes('event: hello')) opening += (await reader.read()).value ?? '';
  leave.abort();
  return { headers: response.headers, opening };
}

describe('a host’s app-wide middleware before the presence routes', () => {
  for (const [name, { make, adds = {}, absent = [], cookies = [] }] of Object.entries(MIDDLEWARE)) {
    it(`${name}: the stream opens at once, stays live, and carries its headers`, async () => {
      const db = tempDbPath();
      cleanup = db.cleanup;
      const clock = new FakeClock();
      const { app, presence } = createTestHost({}, clock, db.path, [make()]);
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

      // Written straight to the Node response, from the answer as the middleware left it.
      for (const session of internalsOf(presence).relay.sessions.all())
        expect(session.connection).toBeInstanceOf(NodeSseConnection);
      const { headers, opening } = await streamHead(running.url);
      expect(opening).toMatch(/^retry: 2000\n\nevent: hello\n/);
      expect(headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(headers.get('x-accel-buffering')).toBe('no');
      expect(headers.get('x-hono-already-sent')).toBeNull();
      for (const [header, value] of Object.entries(adds)) expect(headers.get(header), header).toMatch(value);
      for (const header of absent) expect(headers.get(header), header).toBeNull();
      expect(headers.getSetCookie()).toEqual(cookies);
    });
  }
});
