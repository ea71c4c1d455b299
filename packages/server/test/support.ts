import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventSource } from 'eventsource';
import { Hono } from 'hono';
import { createPresence, servePresence, type Presence, type PresenceOptions, type RunningServer } from '../src/index.js';

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

export function tempDbPath(): { path: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'presence-kit-'));
  return { path: join(dir, 'presence.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A real server on an ephemeral port over a real SQLite file, with a fake clock and
 * a relay that only ticks when the test says so (or when a touch nudges it).
 */
export async function startServer(options: Partial<PresenceOptions> = {}): Promise<TestServer> {
  const clock = new FakeClock();
  const db = tempDbPath();
  const presence = createPresence({
    db: db.path,
    resolveUser: (c) => c.req.header('x-test-user') ?? null,
    now: clock.now,
    monotonic: clock.monotonic,
    tickMs: 3_600_000,
    log: () => {},
    ...options,
  });
  const app = new Hono();
  app.use(presence.track);
  app.route('/presence', presence.app);
  app.get('/page', (c) => c.text('a page'));
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

export interface Frame {
  event: string;
  data: any;
}

/** An EventSource that records every frame, with a way to wait for the next one. */
export class StreamRecorder {
  readonly frames: Frame[] = [];
  readonly source: EventSource;
  #waiters: (() => void)[] = [];

  constructor(url: string) {
    this.source = new EventSource(url);
    for (const event of ['snapshot', 'presence', 'roster']) {
      this.source.addEventListener(event, (e) => {
        this.frames.push({ event, data: JSON.parse((e as MessageEvent<string>).data) });
        for (const wake of this.#waiters.splice(0)) wake();
      });
    }
  }

  /** Resolves once `count` frames have arrived in total. */
  async waitFor(count: number, timeoutMs = 5000): Promise<Frame[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} frames, got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.frames;
  }

  of(event: string): Frame[] {
    return this.frames.filter((f) => f.event === event);
  }

  close(): void {
    this.source.close();
  }
}

/** Lets in-flight socket writes arrive, for asserting that nothing more came. */
export function settle(ms = 150): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));

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
