/**
 * A host app in its own process, for scenarios 7 and 12: `GET /api/items` behind the
 * activity middleware, presence mounted at /presence (or no presence at all: the bare
 * baseline), 10,000 people online with joins and leaves every second, the event loop's
 * delay recorded by `perf_hooks.monitorEventLoopDelay`, the process's CPU time, and after
 * every tick that changed the set, the roster window of `traceWindow` people as the relay
 * holds it (what a watcher of that window must end up showing at that frame id).
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { DEFAULT_WINDOW, offlineAt, type RosterEntry } from '@presence-kit/core';
import { createPresence, openDatabase, type Presence } from '@presence-kit/server';
import { serveRequests } from '../lib/child.js';
import { internalsOf } from '../../packages/server/src/internals.js';
import { createLastSeenStore } from '../../packages/server/src/last-seen-store.js';

const dir = mkdtempSync(join(tmpdir(), 'presence-host-'));
let presence: Presence | undefined;
let database: ReturnType<typeof openDatabase> | undefined;
let histogram: IntervalHistogram | undefined;
let churn: ReturnType<typeof setInterval> | undefined;
const ticks: TickRecord[] = [];
let cpuFrom: { usage: NodeJS.CpuUsage; at: number } | undefined;

/** One tick as the host saw it; `window` and `count` only for ticks that changed the set. */
export interface TickRecord {
  ms: number;
  changed: number;
  /** The frame id of this tick's changes. */
  id?: string;
  /** The first `traceWindow` uids of the roster after it, and the count. */
  window?: string[];
  count?: number;
  /** The people who entered or left that window in this tick, as the relay's roster shows them. */
  joined?: RosterEntry[];
  left?: string[];
}

interface Start {
  withPresence: boolean;
  online: number;
  users: number;
  /** Joins per second, and as many leaves. */
  perSecond: number;
  seconds: number;
  /** The roster window to trace after every tick (scenario 12), or 0. */
  traceWindow?: number;
}

async function start(o: Start): Promise<string> {
  const app = new Hono();
  if (o.withPresence) {
    const file = (database = openDatabase(join(dir, 'presence.db')));
    // Seeded before presence starts, as a restart finds them: the first tick reads everyone recent, and
    // later ticks read only what is written after it (a backfill of old times would not be seen).
    const store = createLastSeenStore(file, undefined);
    const now = Date.now();
    const longest = offlineAt(true, 0, DEFAULT_WINDOW);
    const leaving = o.perSecond * (o.seconds + 10);
    file.transaction(() => {
      for (let i = 0; i < o.users; i++) {
        // The first `leaving` online users leave on a schedule, `perSecond` a second; the other online
        // users stay through the run; everyone else was seen an hour ago.
        const seen =
          i >= o.online
            ? now - 3_600_000
            : i < leaving
              ? now - longest + 2000 + Math.floor((i * 1000) / o.perSecond)
              : now - 33_000 - ((i * 7) % 5000);
        store.upsertUser({ uid: String(i), name: `User ${(i * 7919) % o.users}`, avatar: `/a/${i}.png` });
        store.touch(String(i), seen);
      }
    })();
    const p = (presence = createPresence({
      db: file,
      resolveUser: (c) => c.req.header('x-user') ?? null,
      maxStreams: 100_000,
      // Scenario 12's watchers all come from the bench process.
      maxStreamsPerClient: 1000,
      log: () => {},
    }));
    const { relay } = internalsOf(p);
    const tick = relay.tick.bind(relay);
    const size = o.traceWindow ?? 0;
    let before: RosterEntry[] = relay.roster().users.slice(0, size);
    relay.tick = () => {
      const started = performance.now();
      const result = tick();
      const record: TickRecord = { ms: performance.now() - started, changed: result.changed.length };
      if (size > 0 && result.changed.length > 0) {
        // Outside the timed part: what the window is now, and who moved in or out of it.
        const roster = relay.roster();
        const after = roster.users.slice(0, size);
        const was = new Set(before.map((e) => e.uid));
        const is = new Set(after.map((e) => e.uid));
        record.id = relay.log.position;
        record.window = after.map((e) => e.uid);
        record.count = roster.count;
        record.joined = after.filter((e) => !was.has(e.uid));
        record.left = before.filter((e) => !is.has(e.uid)).map((e) => e.uid);
        before = after;
      }
      ticks.push(record);
      return result;
    };
    let next = o.online;
    churn = setInterval(() => {
      // Offline users become active: the real activity path (a write, a nudged tick).
      for (let k = 0; k < o.perSecond; k++) p.touch(String(next++));
    }, 1000);
    app.use(p.track);
    app.route('/presence', p.app);
  }
  app.get('/api/items', (c) => c.json({ items: [1, 2, 3] }));
  return new Promise((resolve) => {
    serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve(`http://127.0.0.1:${info.port}`),
    );
  });
}

serveRequests((request) => {
  switch (request.type) {
    case 'start':
      return start(request as unknown as Start);
    case 'measure':
      // Only what happens from here on counts: the seeding and the first tick are setup.
      histogram = monitorEventLoopDelay({ resolution: 1 });
      histogram.enable();
      ticks.length = 0;
      cpuFrom = { usage: process.cpuUsage(), at: performance.now() };
      return { count: presence?.roster().count ?? 0 };
    case 'report': {
      histogram?.disable();
      const h = histogram!;
      const cpu = process.cpuUsage(cpuFrom!.usage);
      return {
        /** CPU time of the whole process (every thread) over wall time, since 'measure': 1 = one core. */
        cpu: (cpu.user + cpu.system) / 1000 / (performance.now() - cpuFrom!.at),
        p50: h.percentile(50) / 1e6,
        p99: h.percentile(99) / 1e6,
        max: h.max / 1e6,
        ticks: ticks.splice(0),
        online: presence?.roster().count ?? 0,
      };
    }
    case 'stop':
      clearInterval(churn);
      presence?.close();
      // The kit did not open the file (the seeding needed a transaction), so it is closed here.
      database?.close();
      rmSync(dir, { recursive: true, force: true });
      setImmediate(() => process.exit(0));
      return true;
    default:
      throw new Error(`unknown request ${request.type}`);
  }
});
