/**
 * Scenario 4 — activity middleware overhead: the same Hono app with and without
 * `presence.track`, 1,000 distinct signed-in users, load from a second process
 * (autocannon). Runs alternate bare / tracked so drift hits both. Every SQLite write
 * is logged to check the throttle: at most one write per user per write window.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPresence, openDatabase } from '@presence-kit/server';
import { Worker } from './lib/child.js';
import { fmt, isMain, publish, quick, table } from './lib/report.js';
import { median } from './lib/stats.js';

export interface MiddlewareOptions {
  users: number;
  seconds: number;
  rounds: number;
  connections: number;
  writeSeconds: number;
}

interface LoadResult {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  cpuMicrosPerRequest?: number;
}

export interface MiddlewareResult {
  bare: LoadResult[];
  tracked: LoadResult[];
  ratio: number;
  cpuRatio: number;
  writes: number;
  /** Users with a last_seen in the table at the end (must equal the users written). */
  usersStored: number;
  usersWritten: number;
  /** Pairs of writes for one user closer together than the write window: must be 0. */
  violations: number;
  maxWritesPerUser: number;
  windowsElapsed: number;
  trackedRequests: number;
}

function listen(app: Hono): Promise<{ url: string; server: Server }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({ url: `http://127.0.0.1:${info.port}/api/items`, server: server as Server }),
    ) as Server;
  });
}

function hostApp(): Hono {
  const app = new Hono();
  app.get('/api/items', (c) => c.json({ items: [1, 2, 3], user: c.req.header('x-user') ?? null }));
  return app;
}

export async function runMiddleware(o: MiddlewareOptions): Promise<{ result: MiddlewareResult; markdown: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'presence-mw-'));
  const db = openDatabase(join(dir, 'presence.db'));
  const presence = createPresence({
    db,
    resolveUser: (c) => c.req.header('x-user') ?? null,
    writeSeconds: o.writeSeconds,
    log: () => {},
  });
  // Every write of last_seen, logged by SQLite itself (temp triggers) with the time it
  // happened — not the value written, which for a trailing write is the earlier activity.
  const writtenAt = `CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`;
  db.exec(`CREATE TEMP TABLE write_log (uid TEXT NOT NULL, at INTEGER NOT NULL);
    CREATE TEMP TRIGGER log_insert AFTER INSERT ON main.presence_users WHEN new.last_seen IS NOT NULL
      BEGIN INSERT INTO write_log VALUES (new.uid, ${writtenAt}); END;
    CREATE TEMP TRIGGER log_update AFTER UPDATE OF last_seen ON main.presence_users
      BEGIN INSERT INTO write_log VALUES (new.uid, ${writtenAt}); END;`);

  const bareApp = hostApp();
  const trackedApp = new Hono();
  trackedApp.use(presence.track);
  trackedApp.route('/', hostApp());
  const bare = await listen(bareApp);
  const tracked = await listen(trackedApp);
  const load = new Worker('load.ts');
  const results = { bare: [] as LoadResult[], tracked: [] as LoadResult[] };
  let trackedStart = 0;
  let trackedEnd = 0;
  try {
    // CPU the serving process spent per request: far steadier than req/s on a shared machine.
    const run = async (url: string, seconds: number): Promise<LoadResult> => {
      const cpu = process.cpuUsage();
      const result = await load.call<LoadResult>({
        type: 'run',
        url,
        users: o.users,
        seconds,
        connections: o.connections,
      });
      const used = process.cpuUsage(cpu);
      return { ...result, cpuMicrosPerRequest: (used.user + used.system) / Math.max(1, result.total) };
    };
    // Warm both paths (JIT, the throttle map filling) before anything is counted.
    await run(bare.url, 1);
    trackedStart = Date.now();
    await run(tracked.url, 1);
    for (let r = 0; r < o.rounds; r++) {
      results.bare.push(await run(bare.url, o.seconds));
      results.tracked.push(await run(tracked.url, o.seconds));
    }
    trackedEnd = Date.now();
  } finally {
    await load.stop();
    bare.server.close();
    tracked.server.close();
    bare.server.closeAllConnections();
    tracked.server.closeAllConnections();
  }
  const writes = new Map<string, number[]>();
  for (const { uid, at } of db.prepare('SELECT uid, at FROM write_log ORDER BY rowid').all() as {
    uid: string;
    at: number;
  }[]) {
    const list = writes.get(uid);
    if (list) list.push(at);
    else writes.set(uid, [at]);
  }
  const usersStored = Number(
    (db.prepare('SELECT count(*) AS n FROM presence_users WHERE last_seen IS NOT NULL').get() as { n: number }).n,
  );
  presence.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });

  let violations = 0;
  let maxWritesPerUser = 0;
  let total = 0;
  for (const times of writes.values()) {
    total += times.length;
    maxWritesPerUser = Math.max(maxWritesPerUser, times.length);
    // SQLite's clock and the throttle's are read microseconds apart: allow them 5 ms.
    for (let i = 1; i < times.length; i++)
      if ((times[i] as number) - (times[i - 1] as number) < o.writeSeconds * 1000 - 5) violations++;
  }
  const ratio = median(results.tracked.map((r) => r.rps)) / median(results.bare.map((r) => r.rps));
  const cpu = (runs: LoadResult[]): number => median(runs.map((r) => r.cpuMicrosPerRequest ?? 0));
  const result: MiddlewareResult = {
    ...results,
    ratio,
    cpuRatio: cpu(results.bare) / cpu(results.tracked),
    writes: total,
    usersStored,
    usersWritten: writes.size,
    violations,
    maxWritesPerUser,
    windowsElapsed: (trackedEnd - trackedStart) / (o.writeSeconds * 1000),
    trackedRequests: results.tracked.reduce((sum, r) => sum + r.total, 0),
  };

  const row = (name: string, runs: LoadResult[]): string[] => [
    name,
    runs.map((r) => fmt.n(r.rps)).join(' / '),
    fmt.n(median(runs.map((r) => r.rps))),
    fmt.n(median(runs.map((r) => r.p50)), 1),
    fmt.n(median(runs.map((r) => r.p99)), 1),
    fmt.n(cpu(runs), 1),
    fmt.n(runs.reduce((s, r) => s + r.non2xx + r.errors, 0)),
  ];
  const markdown = [
    `Hono app, \`GET /api/items\` as ${fmt.n(o.users)} distinct users (round robin), autocannon in a second process with ${o.connections} connections, ${o.rounds} alternating ${o.seconds} s runs each; write window ${o.writeSeconds} s (shortened from the default half-timeout so the run spans several windows).`,
    '',
    table(
      [
        'app',
        'req/s per run',
        'req/s median',
        'latency p50 ms',
        'latency p99 ms',
        'server CPU µs / request (median)',
        'errors',
      ],
      [row('bare (no middleware)', results.bare), row('with presence.track', results.tracked)],
    ),
    '',
    table(
      [
        'tracked / bare throughput',
        'tracked / bare by CPU per request',
        'tracked requests',
        'SQLite writes (logged by trigger)',
        'users written / stored',
        'write windows elapsed',
        'max writes per user',
        'writes < 1 window apart',
        'writes per request',
      ],
      [
        [
          fmt.ratio(ratio),
          fmt.ratio(result.cpuRatio),
          fmt.n(result.trackedRequests),
          fmt.n(total),
          `${fmt.n(writes.size)} / ${fmt.n(usersStored)}`,
          fmt.n(result.windowsElapsed, 1),
          fmt.n(maxWritesPerUser),
          fmt.n(violations),
          (total / Math.max(1, result.trackedRequests)).toExponential(2),
        ],
      ],
    ),
  ].join('\n');
  return { result, markdown };
}

if (isMain(import.meta.url)) {
  const { markdown } = await runMiddleware({
    users: 1000,
    seconds: quick ? 2 : 6,
    rounds: quick ? 1 : 5,
    connections: 32,
    writeSeconds: 5,
  });
  publish('4-middleware', markdown);
}
