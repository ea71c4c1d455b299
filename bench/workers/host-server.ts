/**
 * A host app in its own process, for scenario 7: `GET /api/items` behind the activity
 * middleware, presence mounted at /presence (or no presence at all: the bare baseline),
 * 10,000 people online with joins and leaves every second, and the event loop's delay
 * recorded by `perf_hooks.monitorEventLoopDelay`.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { DEFAULT_WINDOW, offlineAt } from '@presence-kit/core';
import { createPresence, openDatabase, type Presence } from '@presence-kit/server';
import { serveRequests } from '../lib/child.js';
import { internalsOf } from '../../packages/server/src/internals.js';
import { createLastSeenStore } from '../../packages/server/src/last-seen-store.js';

const dir = mkdtempSync(join(tmpdir(), 'presence-host-'));
let presence: Presence | undefined;
let database: ReturnType<typeof openDatabase> | undefined;
let histogram: IntervalHistogram | undefined;
let churn: ReturnType<typeof setInterval> | undefined;
const ticks: { ms: number; changed: number }[] = [];

interface Start {
  withPresence: boolean;
  online: number;
  users: number;
  /** Joins per second, and as many leaves. */
  perSecond: number;
  seconds: number;
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
      log: () => {},
    }));
    const { relay } = internalsOf(p);
    const tick = relay.tick.bind(relay);
    relay.tick = () => {
      const started = performance.now();
      const result = tick();
      ticks.push({ ms: performance.now() - started, changed: result.changed.length });
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
      return true;
    case 'report': {
      histogram?.disable();
      const h = histogram!;
      return {
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
