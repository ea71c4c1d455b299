/**
 * One SSE server in its own process, so its memory is its own: either presence-kit
 * (createPresence + servePresence over a SQLite file) or a bare `node:http` SSE server
 * that plays the same session exchange (a hello, one subscribe, the same compact snapshot
 * bytes) and then holds the response open.
 */
import { createServer, type ServerResponse } from 'node:http';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { Hono } from 'hono';
import { randomBytes } from 'node:crypto';
import { encodeStatuses, parseUidList, type UserStatus } from '@presence-kit/core';
import { createPresence, servePresence, type Presence } from '@presence-kit/server';
import { clockMs, serveRequests } from '../lib/child.js';
import { internalsOf } from '../../packages/server/src/internals.js';

export interface TickStamp {
  start: number;
  end: number;
  /** When every frame of the tick had been handed to its socket (the next macrotask). */
  flushed: number;
  changed: number;
  framesSent: number;
}

const dir = mkdtempSync(join(tmpdir(), 'presence-bench-'));
let presence: Presence | undefined;
/** The bare server's open responses and the uids each one watches. */
let bareOpen: Map<ServerResponse, string[]> | undefined;
let offsetMs = 0;
const ticks: TickStamp[] = [];
let lastBroadcast: TickStamp | undefined;
const seeded = new Map<string, number>();

/** `db`: a file shared with other server processes (scenario 8); by default one of its own. */
async function startPresence(users: number, db = join(dir, 'presence.db'), seed = true): Promise<string> {
  const p = createPresence({
    db,
    now: () => Date.now() + offsetMs,
    maxStreams: 1_000_000,
    maxStreamsPerClient: 1_000_000,
    log: () => {},
  });
  const t = Date.now() - 3_600_000;
  const { store, relay } = internalsOf(p);
  if (seed) for (let i = 0; i < users; i++) store.touch(String(i), t);
  // Stamps every tick (the periodic ones and the ones a touch nudges) for the fan-out split.
  const tick = relay.tick.bind(relay);
  relay.tick = () => {
    const start = clockMs();
    const result = tick();
    if (result.changed.length > 0) {
      const stamp: TickStamp = {
        start,
        end: clockMs(),
        flushed: 0,
        changed: result.changed.length,
        framesSent: result.framesSent,
      };
      // The stream bodies drain into the sockets in microtasks right after the tick.
      setImmediate(() => (stamp.flushed = clockMs()));
      ticks.push(stamp);
    }
    return result;
  };
  presence = p;
  const app = new Hono();
  app.route('/presence', p.app);
  const running = await servePresence({ app, presence: p, hostname: '0.0.0.0' });
  return `http://127.0.0.1:${running.port}`;
}

function startBare(users: number): Promise<string> {
  const t = Date.now() - 3_600_000;
  for (let i = 0; i < users; i++) seeded.set(String(i), t);
  const open = (bareOpen = new Map());
  const sessions = new Map<string, ServerResponse>();
  const server = createServer((req, res) => {
    if (req.method === 'POST') {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const { sid, add } = JSON.parse(body) as { sid: string; add: string[] };
        const stream = sessions.get(sid);
        const list = parseUidList(add, 1000);
        const uids = list.ok ? list.uids : [];
        if (stream) {
          const t = Date.now();
          const statuses = uids.map((uid): [string, UserStatus] => [
            uid,
            { online: false, last_seen: seeded.get(uid) ?? null },
          ]);
          stream.write(`event: snapshot\nid: bare:0\ndata: ${JSON.stringify(encodeStatuses(t, statuses))}\n\n`);
          open.set(stream, uids);
        }
        res.writeHead(stream ? 200 : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ t: Date.now(), watching: uids.length }));
      });
      return;
    }
    const sid = randomBytes(16).toString('base64url');
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    res.write(
      `event: hello\ndata: ${JSON.stringify({ v: 2, sid, t: Date.now(), window: [60, 20], epoch: 'bare' })}\n\n`,
    );
    sessions.set(sid, res);
    res.on('close', () => {
      sessions.delete(sid);
      open.delete(res);
    });
  });
  server.keepAliveTimeout = 0;
  server.headersTimeout = 0;
  server.requestTimeout = 0;
  return new Promise((resolve) =>
    server.listen(0, '0.0.0.0', () => {
      const address = server.address();
      resolve(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    }),
  );
}

function measure(): Record<string, number> {
  const cpu = (usage = process.cpuUsage()) => usage.user + usage.system;
  // CPU time up to the forced collections, and after them: the next row's openings start from there.
  const cpuStart = cpu();
  for (let i = 0; i < 3; i++) globalThis.gc?.();
  const m = process.memoryUsage();
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    connections: presence ? presence.stats().streams : (bareOpen?.size ?? 0),
    fds: readdirSync('/proc/self/fd').length,
    cpuStart,
    cpuEnd: cpu(),
  };
}

serveRequests((request) => {
  switch (request.type) {
    case 'start':
      if (request.kind === 'bare') return startBare(Number(request.users));
      return startPresence(
        Number(request.users),
        request.db === undefined ? undefined : String(request.db),
        request.seed !== false,
      );
    case 'measure':
      return measure();
    case 'touch': {
      // The write of last_seen: every uid at once; the nudge makes the tick follow at once.
      const at = clockMs();
      for (const uid of request.uids as string[]) presence?.touch(uid);
      return at;
    }
    case 'expire': {
      // Moves the server's clock past the window: the next periodic tick takes these users offline.
      const at = clockMs();
      offsetMs += Number(request.seconds) * 1000;
      return at;
    }
    case 'heap-snapshot':
      // For profiling per-connection memory: diff two snapshots by constructor in DevTools.
      globalThis.gc?.();
      return writeHeapSnapshot(String(request.path));
    case 'broadcast': {
      // The bare baseline of a push: write each connection its watched subset of the changed uids.
      const at = clockMs();
      const changed = new Set(request.uids as string[]);
      const t = Date.now();
      for (const [res, uids] of bareOpen ?? []) {
        const flipped = uids
          .filter((uid) => changed.has(uid))
          .map((uid): [string, UserStatus] => [uid, { online: true, last_seen: t }]);
        res.write(`event: presence\nid: bare:1\ndata: ${JSON.stringify(encodeStatuses(t, flipped))}\n\n`);
      }
      const stamp: TickStamp = {
        start: at,
        end: clockMs(),
        flushed: 0,
        changed: changed.size,
        framesSent: bareOpen?.size ?? 0,
      };
      // Stamped like the relay's ticks: at the next macrotask, after the write completions.
      setImmediate(() => (stamp.flushed = clockMs()));
      lastBroadcast = stamp;
      return at;
    }
    case 'ticks':
      return lastBroadcast ? [lastBroadcast] : ticks.splice(0);
    case 'stop':
      presence?.close();
      rmSync(dir, { recursive: true, force: true });
      setImmediate(() => process.exit(0));
      return true;
    default:
      throw new Error(`unknown request ${request.type}`);
  }
});
