import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventSource } from 'eventsource';
import { Hono } from 'hono';
import { createPresence, servePresence, type Presence, type PresenceOptions, type RunningServer } from '../src/index.js';

/** A clock tests move by hand; the relay and the throttle read it. */
export class FakeClock {
  constructor(public ms = Date.UTC(2026, 10, 23, 12, 0, 0)) {}
  now = (): number => this.ms;
  advance(seconds: number): void {
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
