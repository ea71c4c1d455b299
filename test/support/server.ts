import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Hono, type MiddlewareHandler } from 'hono';
import {
  createPresence,
  servePresence,
  type Presence,
  type PresenceOptions,
  type RunningServer,
} from '../../packages/server/src/index.js';
import type { HelloFrame, SubscribeRequest } from '@presence-kit/core';
import { FrameReader } from './event-stream.js';
import { tempDbPath } from './temp.mjs';

/** A clock tests move by hand: wall time for the store and rules, and a monotonic time that never jumps. */
export class FakeClock {
  elapsed = 0;
  constructor(public ms = Date.UTC(2026, 10, 23, 12, 0, 0)) {}
  now = (): number => this.ms;
  monotonic = (): number => this.elapsed;
  /** Time passes: both clocks move. */
  advance(seconds: number): void {
    this.ms += seconds * 1000;
    this.elapsed += seconds * 1000;
  }
  /** The system clock is set forward or back: only wall time moves. */
  jump(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export interface TestApp {
  /** The host: the activity middleware, the presence sub-app at /presence, and a page at /page. */
  app: Hono;
  presence: Presence;
  clock: FakeClock;
  dbPath: string;
  /** A page request as `uid`, through the real activity middleware, in process. */
  visit(uid: string, path?: string): Promise<Response>;
  /**
   * Opens a session in process (`/presence/stream?v=2`) and reads its retry hint and hello;
   * read the frames after them exactly, `cancel()` to go away. With `as`, the stream and its
   * subscribes are that signed-in user's (the `x-test-user` header); without, a guest's.
   */
  session(as?: string): Promise<TestSession>;
  /** `POST /presence/subscribe` in process with this body (a string is sent as is). */
  subscribe(body: Partial<SubscribeRequest> | Record<string, unknown> | string): Promise<Response>;
  close(): void;
}

export interface TestSession {
  reader: FrameReader;
  hello: HelloFrame;
  /** The two frames that opened it, exactly: the retry hint and the hello. */
  opening: string[];
  /** Changes this session's subscription; resolves with the answer. */
  subscribe(change: Omit<SubscribeRequest, 'sid'>): Promise<Response>;
}

/**
 * The host app every server test uses: presence over `dbPath` on `clock`, requests as the
 * `x-test-user` header's user, and `before` (a host's own middleware) ahead of the kit's.
 */
export function createTestHost(
  options: Partial<PresenceOptions>,
  clock: FakeClock,
  dbPath: string,
  before: readonly MiddlewareHandler[] = [],
): { app: Hono; presence: Presence } {
  const presence = createPresence({
    db: dbPath,
    resolveUser: (c) => c.req.header('x-test-user') ?? null,
    now: clock.now,
    monotonic: clock.monotonic,
    tickMs: 3_600_000,
    log: () => {},
    ...options,
  });
  const app = new Hono();
  for (const middleware of before) app.use(middleware);
  app.use(presence.track);
  app.route('/presence', presence.app);
  app.get('/page', (c) => c.text('a page'));
  return { app, presence };
}

/**
 * The host app with presence, called with `app.request` (no socket), over a real SQLite
 * file, with a fake clock and a relay that only ticks when the test says so (or when a
 * touch nudges it). For protocol tests: nothing here crosses a socket.
 */
export function createTestApp(options: Partial<PresenceOptions> = {}): TestApp {
  const clock = new FakeClock();
  const db = tempDbPath();
  const { app, presence } = createTestHost(options, clock, db.path);
  const readers: FrameReader[] = [];
  const asUser = (uid: string | undefined): Record<string, string> => (uid === undefined ? {} : { 'x-test-user': uid });
  const subscribe = async (body: object | string, as?: string): Promise<Response> =>
    app.request('/presence/subscribe', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asUser(as) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return {
    app,
    presence,
    clock,
    dbPath: db.path,
    visit: async (uid, path = '/page') => app.request(path, { headers: { 'x-test-user': uid } }),
    session: async (as) => {
      // As a browser's EventSource asks for it: an open stream is not activity.
      const headers = { accept: 'text/event-stream', ...asUser(as) };
      const reader = new FrameReader(await app.request('/presence/stream?v=2', { headers }));
      readers.push(reader);
      const opening = await reader.next(2);
      const hello = JSON.parse(/^data: (.*)$/m.exec(opening[1]!)![1]!) as HelloFrame;
      return { reader, hello, opening, subscribe: (change) => subscribe({ sid: hello.sid, ...change }, as) };
    },
    subscribe: (body) => subscribe(body),
    close: () => {
      for (const reader of readers) void reader.cancel();
      presence.close();
      db.cleanup();
    },
  };
}

export interface TestServer {
  url: string;
  presence: Presence;
  clock: FakeClock;
  dbPath: string;
  running: RunningServer;
  /** A page request as `uid`, through the real activity middleware. */
  visit(uid: string, path?: string): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The same host on a real ephemeral port, for what crosses a socket: limits by remote
 * address, slow readers, restarts, real EventSource clients.
 */
export async function startServer(options: Partial<PresenceOptions> = {}): Promise<TestServer> {
  const clock = new FakeClock();
  const db = tempDbPath();
  const { app, presence } = createTestHost(options, clock, db.path);
  const running = await servePresence({ app, presence });
  return {
    url: running.url,
    presence,
    clock,
    dbPath: db.path,
    running,
    visit: (uid, path = '/page') => fetch(`${running.url}${path}`, { headers: { 'x-test-user': uid } }),
    close: async () => {
      await running.close();
      db.cleanup();
    },
  };
}

const bin = fileURLToPath(new URL('../../packages/server/src/bin.ts', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process printed so far. */
  output(): string;
  exited: Promise<number | null>;
}

/**
 * The standalone server as its own OS process (`PORT` 0 picks a free port). Requests with
 * an `x-forwarded-user` header count as that user's activity.
 */
export function spawnServer(dbPath: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  // `node --import tsx` rather than the tsx CLI, so signals reach the server itself, not a wrapper.
  const child = spawn(process.execPath, ['--conditions', 'source', '--import', 'tsx', bin], {
    env: { ...process.env, PORT: '0', PRESENCE_DB: dbPath, PRESENCE_USER_HEADER: 'x-forwarded-user', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]!, output: () => out, exited });
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk));
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening: ${out}`)));
  });
}
