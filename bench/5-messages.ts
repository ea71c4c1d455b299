/**
 * Scenario 5 — messages: one 10-minute activity trace of 1,000 users replayed through
 * presence-kit (the real server in-process, on a fake clock, ticks driven by hand) and
 * through the common Socket.IO presence pattern (heartbeats, a TTL sweep, a grace period on
 * disconnect, every change broadcast to every client; simulated below), as a multi-page site
 * (every page view reopens the connection), as a single-page app, and as a single-page app
 * whose users also read (interact without requests: presence-kit's page reports it with
 * `POST /presence/activity` at most once per write period; the peer's heartbeats go on anyway).
 * Counted per watching page: frames, bytes, flicker, missed state, and upstream heartbeat traffic.
 */
import { Hono } from 'hono';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeStatuses, type HelloFrame, type StatusFrame } from '@presence-kit/core';
import { createPresence } from '@presence-kit/server';
import { fmt, isMain, publish, quick, table } from './lib/report.js';
import { Page, Truth, newTally, recordTransition, sample, wasIdle, type Tally } from './lib/pages.js';
import { buildTrace, Schedule, withReaders, type TraceOptions, type Visit } from './lib/trace.js';
import { internalsOf } from '../packages/server/src/internals.js';

export type Mode = 'multi-page' | 'single-page' | 'single-page, readers';
const READERS: Mode = 'single-page, readers';

export interface SystemResult {
  system: string;
  mode: Mode;
  tally: Tally;
  durationMs: number;
}

const START = Date.UTC(2026, 10, 23, 12, 0, 0);
const SAMPLE_MS = 10_000;

/**
 * A browser's `POST /presence/activity` head, as Chromium sends it from a page (fetch with
 * keepalive): request line, Host, Connection, Content-Length, the usual sec-ch-ua and
 * sec-fetch headers, User-Agent, Accept, Origin, Referer, Accept-Encoding/Language and a
 * 40-byte session cookie. A host with bigger cookies pays more per report.
 */
const ACTIVITY_REQUEST_HEAD_BYTES = Buffer.byteLength(
  [
    'POST /presence/activity HTTP/1.1',
    'Host: app.example.com',
    'Connection: keep-alive',
    'Content-Length: 0',
    'sec-ch-ua-platform: "Linux"',
    'sec-ch-ua: "Chromium";v="131", "Not_A Brand";v="24"',
    'sec-ch-ua-mobile: ?0',
    `User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36`,
    'Accept: */*',
    'Origin: https://app.example.com',
    'Sec-Fetch-Site: same-origin',
    'Sec-Fetch-Mode: cors',
    'Sec-Fetch-Dest: empty',
    'Referer: https://app.example.com/inbox',
    'Accept-Encoding: gzip, deflate, br, zstd',
    'Accept-Language: en-GB,en;q=0.9',
    `Cookie: session=${'x'.repeat(40)}`,
    '',
    '',
  ].join('\r\n'),
);

// ---------------------------------------------------------------- presence-kit

const decoder = new TextDecoder();

/** Bytes of an HTTP/1.1 response head as Node writes it for these headers (chunked, keep-alive, date). */
function responseHeadBytes(headers: Headers): number {
  let head = 'HTTP/1.1 200 OK\r\n';
  headers.forEach((value, name) => (head += `${name}: ${value}\r\n`));
  head +=
    'date: Mon, 23 Nov 2026 12:00:00 GMT\r\nconnection: keep-alive\r\nkeep-alive: timeout=5\r\ntransfer-encoding: chunked\r\n\r\n';
  return Buffer.byteLength(head);
}

/** Bytes of a bodiless answer's head as Node writes it (no chunked coding). */
function noContentHeadBytes(answer: Response): number {
  let head = `HTTP/1.1 ${answer.status} ${answer.statusText || 'No Content'}\r\n`;
  answer.headers.forEach((value, name) => (head += `${name}: ${value}\r\n`));
  head += 'date: Mon, 23 Nov 2026 12:00:00 GMT\r\nconnection: keep-alive\r\nkeep-alive: timeout=5\r\n\r\n';
  return Buffer.byteLength(head);
}

type KitAction =
  | { kind: 'view'; visit: Visit; index: number }
  | { kind: 'open'; visit: Visit; index: number }
  | { kind: 'close'; visit: Visit }
  | { kind: 'interact'; visit: Visit }
  | { kind: 'report'; visit: Visit }
  | { kind: 'tick' }
  | { kind: 'keep-alive' }
  | { kind: 'sample' };

/** `reports: false`: the page reports no activity (`<meta name="presence-activity" content="off">`), as before issue 13. */
export async function replayKit(
  trace: readonly Visit[],
  mode: Mode,
  durationMs: number,
  reports = true,
): Promise<SystemResult> {
  const clock = { ms: START };
  const dir = mkdtempSync(join(tmpdir(), 'presence-msg-'));
  const presence = createPresence({
    db: join(dir, 'presence.db'),
    resolveUser: (c) => c.req.header('x-user') ?? null,
    now: () => clock.ms,
    monotonic: () => clock.ms,
    // The replay drives ticks (every second) and keep-alives (every 15 s) itself.
    tickMs: 3_600_000,
    keepAliveSeconds: 3_600,
    maxStreams: 1_000_000,
    maxStreamsPerClient: 1_000_000,
    log: () => {},
  });
  const tally = newTally();
  const truth = new Truth(trace);
  const { relay, recorder } = internalsOf(presence);
  const tick = relay.tick.bind(relay);
  relay.tick = () => {
    const result = tick();
    for (const uid of result.changed) recordTransition(tally, uid, clock.ms - START);
    return result;
  };
  const app = new Hono();
  app.use(presence.track);
  app.route('/presence', presence.app);
  app.get('/page', (c) => c.text('a page'));
  app.get('/api/data', (c) => c.json({ ok: true }));

  const open = new Map<string, { page: Page; cancel: () => Promise<void>; lastId: string }>();
  // What each visitor's previous page showed when it closed, and the last event id it saw: what the next page resumes from.
  const lastShown = new Map<string, { display: ReadonlyMap<string, boolean>; since: string }>();
  const closed = new Set<string>();
  const settle = async (): Promise<void> => {
    // Nudged ticks run on setImmediate; stream readers run in the microtasks after them.
    for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  const closePage = async (uid: string): Promise<void> => {
    const current = open.get(uid);
    if (!current) return;
    open.delete(uid);
    if (current.lastId) lastShown.set(uid, { display: new Map(current.page.display), since: current.lastId });
    current.page.closeAt = clock.ms - START;
    await current.cancel();
  };
  const openPage = async (visit: Visit): Promise<void> => {
    const page = new Page(visit, clock.ms - START, truth);
    tally.pages.push(page);
    // A reader's page is the signed-in user's: its stream is an open page of theirs (leaving, idle).
    const user = mode === READERS ? { 'x-user': visit.uid } : undefined;
    const res = await app.request('/presence/stream?v=2', { headers: { accept: 'text/event-stream', ...user } });
    if (res.status !== 200 || !res.body) throw new Error(`stream answered ${res.status}: ${await res.text()}`);
    page.opening.head = responseHeadBytes(res.headers);
    page.bytes += page.opening.head;
    const reader = res.body.getReader();
    const current = { page, cancel: () => reader.cancel(), lastId: '' };
    open.set(visit.uid, current);
    // A multi-page site's next page resumes from the one before: it knows what that page showed.
    const previous = mode === 'multi-page' ? lastShown.get(visit.uid) : undefined;
    const subscribe = async (sid: string): Promise<void> => {
      const known = previous ? visit.watches.filter((uid) => previous.display.has(uid)) : [];
      const body = JSON.stringify({
        sid,
        add: visit.watches,
        ...(known.length > 0 ? { known, since: previous!.since } : {}),
      });
      page.upstreamFrames++;
      const answer = await app.request('/presence/subscribe', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      if (answer.status !== 200) throw new Error(`subscribe answered ${answer.status}: ${await answer.text()}`);
      const text = await answer.text();
      page.opening.head += responseHeadBytes(answer.headers) + Buffer.byteLength(text);
      page.bytes += responseHeadBytes(answer.headers) + Buffer.byteLength(text);
    };
    void (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        // Chunked transfer coding: hex length, CRLF, data, CRLF.
        page.bytes += value.byteLength + value.byteLength.toString(16).length + 4;
        for (const block of decoder.decode(value).split('\n\n')) {
          if (block === '') continue;
          if (block.startsWith(':') || block.startsWith('retry:')) {
            page.transportFrames++;
            continue;
          }
          const field = (name: string) =>
            block
              .split('\n')
              .find((line) => line.startsWith(`${name}: `))
              ?.slice(name.length + 2) ?? '';
          const event = field('event');
          if (event === 'hello') {
            page.transportFrames++;
            page.opening.hello = Buffer.byteLength(`${block}\n\n`);
            await subscribe((JSON.parse(field('data')) as HelloFrame).sid);
            continue;
          }
          current.lastId = field('id') || current.lastId;
          const statuses = decodeStatuses(JSON.parse(field('data')) as StatusFrame);
          const users = new Map(Object.entries(statuses).map(([uid, s]) => [uid, s.online]));
          if (event === 'snapshot') {
            // What the snapshot left out is unchanged since the page before.
            for (const [uid, online] of previous?.display ?? []) if (!users.has(uid)) users.set(uid, online);
            page.snapshot(users);
            page.openingBytes = page.bytes;
            page.opening.snapshot = Buffer.byteLength(`${block}\n\n`);
          } else page.update(users, clock.ms - START);
        }
      }
    })();
  };

  const schedule = new Schedule<KitAction>();
  for (const visit of trace) {
    visit.views.forEach((_, index) => schedule.add(visit.views[index] as number, { kind: 'view', visit, index }));
    if (visit.closeAt !== null) schedule.add(visit.closeAt, { kind: 'close', visit });
    for (const at of visit.interactions ?? []) schedule.add(at, { kind: 'interact', visit });
  }
  // What the page's reporter last sent, per user: at most one report per write period.
  const reporters = new Map<string, { last: number; pending: boolean; timer: boolean }>();
  const writeMs = presence.options.writeSeconds * 1000;
  const report = async (uid: string, reporter: { last: number; pending: boolean }, at: number): Promise<void> => {
    if (!reporter.pending || !reports) return;
    reporter.pending = false;
    reporter.last = at;
    const answer = await app.request('/presence/activity', { method: 'POST', headers: { 'x-user': uid } });
    const body = Buffer.byteLength(await answer.text());
    const page = open.get(uid)!.page;
    page.upstreamFrames++;
    page.heartbeats++;
    page.heartbeatBytes += ACTIVITY_REQUEST_HEAD_BYTES + noContentHeadBytes(answer) + body;
  };
  for (let t = 1000; t <= durationMs; t += 1000) schedule.add(t, { kind: 'tick' });
  for (let t = 15_000; t <= durationMs; t += 15_000) schedule.add(t, { kind: 'keep-alive' });
  for (let t = SAMPLE_MS; t <= durationMs; t += SAMPLE_MS) schedule.add(t + 1, { kind: 'sample' });

  for (let next = schedule.pop(); next && next.at <= durationMs; next = schedule.pop()) {
    clock.ms = START + next.at;
    const action = next.item;
    switch (action.kind) {
      case 'view': {
        const { visit, index } = action;
        if (closed.has(visit.uid)) break;
        const firstView = index === 0;
        if (mode === 'multi-page') await closePage(visit.uid); // navigating away ends the old page and its stream
        // The request itself is the activity the middleware records.
        await app.request(mode === 'multi-page' || firstView ? '/page' : '/api/data', {
          headers: { 'x-user': visit.uid },
        });
        if (mode === 'multi-page' || firstView)
          schedule.add(next.at + (visit.loads[index] as number), { kind: 'open', visit, index });
        break;
      }
      case 'open':
        // A newer navigation or the tab closing may have overtaken this page's load.
        if (closed.has(action.visit.uid)) break;
        if (
          mode === 'multi-page' &&
          action.visit.views[action.index + 1] !== undefined &&
          (action.visit.views[action.index + 1] as number) <= next.at
        )
          break;
        await openPage(action.visit);
        break;
      case 'close':
        closed.add(action.visit.uid);
        await closePage(action.visit.uid);
        break;
      case 'interact': {
        // The client's reporter (activity-reporter.ts): the first interaction after a quiet period
        // is reported at once, later ones at the end of the period, at most one report a period.
        const { uid } = action.visit;
        if (!open.has(uid) || closed.has(uid)) break;
        const reporter = reporters.get(uid) ?? { last: -Infinity, pending: false, timer: false };
        reporters.set(uid, reporter);
        reporter.pending = true;
        if (reporter.timer) break;
        const wait = reporter.last + writeMs - next.at;
        if (wait <= 0) await report(uid, reporter, next.at);
        else {
          reporter.timer = true;
          schedule.add(next.at + wait, { kind: 'report', visit: action.visit });
        }
        break;
      }
      case 'report': {
        const reporter = reporters.get(action.visit.uid)!;
        reporter.timer = false;
        if (open.has(action.visit.uid) && !closed.has(action.visit.uid))
          await report(action.visit.uid, reporter, next.at);
        break;
      }
      case 'tick':
        // A real server sweeps held-back writes about once a second; on this fake clock the replay does it.
        recorder.flush();
        relay.tick();
        break;
      case 'keep-alive':
        relay.keepAlive();
        break;
      case 'sample':
        await settle();
        sample(
          tally,
          [...open.values()].map((o) => o.page),
          (uid) => relay.isShownOnline(uid),
          next.at,
        );
        break;
    }
    await settle();
  }
  for (const uid of [...open.keys()]) await closePage(uid);
  await settle();
  for (const page of tally.pages) if (page.closeAt === null || page.closeAt > durationMs) page.closeAt = durationMs;
  presence.close();
  rmSync(dir, { recursive: true, force: true });
  return { system: 'presence-kit', mode, tally, durationMs };
}

// ---------------------------------------------------------------- Socket.IO pattern

const HEARTBEAT_MS = 15_000;
const TTL_MS = 45_000;
const SWEEP_MS = 10_000;
const GRACE_MS = 5_000;
/** engine.io's default ping interval: the transport's own keep-alive. */
const PING_MS = 25_000;

/** A WebSocket frame's bytes, server → client (unmasked) or client → server (masked). */
function wsBytes(payload: number, masked = false): number {
  return payload + (payload < 126 ? 2 : payload < 65_536 ? 4 : 10) + (masked ? 4 : 0);
}

const SID = 'x'.repeat(20);
/** 101 response, engine.io open packet and socket.io connect packet (websocket transport only: kinder to the peer than polling first). */
const HANDSHAKE_BYTES =
  Buffer.byteLength(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${'x'.repeat(28)}\r\n\r\n`,
  ) +
  wsBytes(
    Buffer.byteLength(`0{"sid":"${SID}","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`),
  ) +
  wsBytes(Buffer.byteLength(`40{"sid":"${SID}"}`));
/** The seed's heartbeat event, client → server (masked). */
const HEARTBEAT_BYTES = wsBytes(Buffer.byteLength('42["heartbeat"]'), true);
const BULK_HEAD_BYTES = Buffer.byteLength(
  'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 0000\r\ndate: Mon, 23 Nov 2026 12:00:00 GMT\r\nconnection: keep-alive\r\nkeep-alive: timeout=5\r\n\r\n',
);

type PeerAction =
  | { kind: 'view'; visit: Visit; index: number }
  | { kind: 'connect'; visit: Visit; index: number }
  | { kind: 'close'; visit: Visit }
  | { kind: 'heartbeat'; sid: number }
  | { kind: 'ping'; sid: number }
  | { kind: 'grace'; sid: number; uid: string }
  | { kind: 'sweep' }
  | { kind: 'sample' };

export function replayPeer(trace: readonly Visit[], mode: Mode, durationMs: number): SystemResult {
  const tally = newTally();
  const truth = new Truth(trace);
  const presenceMap = new Map<string, { status: 'online' | 'offline'; lastSeen: number; socketId: number | null }>();
  const sockets = new Map<number, { uid: string; page: Page }>();
  const socketOf = new Map<string, number>();
  const closed = new Set<string>();
  const schedule = new Schedule<PeerAction>();
  let nextSid = 1;
  let now = 0;

  const setPresence = (uid: string, status: 'online' | 'offline', socketId: number | null): void => {
    const before = presenceMap.get(uid)?.status ?? 'offline';
    presenceMap.set(uid, { status, lastSeen: now, socketId });
    if (before !== status) recordTransition(tally, uid, now);
  };
  // io.emit: every connected client gets every change, whether or not it shows that user.
  const broadcastPresence = (uid: string, status: 'online' | 'offline'): void => {
    const bytes = wsBytes(
      Buffer.byteLength(`42["presence",{"userId":"${uid}","status":"${status}","timestamp":${START + now}}]`),
    );
    const users = new Map([[uid, status === 'online']]);
    for (const { page } of sockets.values()) {
      page.bytes += bytes;
      page.update(users, now);
    }
  };
  const disconnect = (uid: string): void => {
    const sid = socketOf.get(uid);
    if (sid === undefined) return;
    const socket = sockets.get(sid);
    sockets.delete(sid);
    socketOf.delete(uid);
    if (socket) socket.page.closeAt = now;
    schedule.add(now + GRACE_MS, { kind: 'grace', sid, uid });
  };
  const connect = (visit: Visit): void => {
    const sid = nextSid++;
    const page = new Page(visit, now, truth);
    tally.pages.push(page);
    page.bytes += HANDSHAKE_BYTES;
    sockets.set(sid, { uid: visit.uid, page });
    socketOf.set(visit.uid, sid);
    setPresence(visit.uid, 'online', sid);
    broadcastPresence(visit.uid, 'online');
    // The pattern's bulk endpoint gives the page its starting picture (without it a new page knows nobody).
    const body = JSON.stringify(
      visit.watches.map((userId) => ({ userId, status: presenceMap.get(userId)?.status ?? 'offline' })),
    );
    page.bytes += BULK_HEAD_BYTES + Buffer.byteLength(body);
    page.upstreamFrames++;
    page.snapshot(new Map(visit.watches.map((uid) => [uid, presenceMap.get(uid)?.status === 'online'])));
    page.openingBytes = page.bytes;
    schedule.add(now + HEARTBEAT_MS, { kind: 'heartbeat', sid });
    schedule.add(now + PING_MS, { kind: 'ping', sid });
  };

  for (const visit of trace) {
    visit.views.forEach((at, index) => schedule.add(at, { kind: 'view', visit, index }));
    if (visit.closeAt !== null) schedule.add(visit.closeAt, { kind: 'close', visit });
  }
  for (let t = SWEEP_MS; t <= durationMs; t += SWEEP_MS) schedule.add(t, { kind: 'sweep' });
  for (let t = SAMPLE_MS; t <= durationMs; t += SAMPLE_MS) schedule.add(t + 1, { kind: 'sample' });

  for (let next = schedule.pop(); next && next.at <= durationMs; next = schedule.pop()) {
    now = next.at;
    const action = next.item;
    switch (action.kind) {
      case 'view':
        if (closed.has(action.visit.uid)) break;
        // Multi-page: every view unloads the page (its socket disconnects) and the next page connects after loading.
        if (mode === 'multi-page') disconnect(action.visit.uid);
        if (mode === 'multi-page' || action.index === 0)
          schedule.add(now + (action.visit.loads[action.index] as number), {
            kind: 'connect',
            visit: action.visit,
            index: action.index,
          });
        break;
      case 'connect': {
        const following = action.visit.views[action.index + 1];
        if (closed.has(action.visit.uid) || (mode === 'multi-page' && following !== undefined && following <= now))
          break;
        connect(action.visit);
        break;
      }
      case 'close':
        closed.add(action.visit.uid);
        disconnect(action.visit.uid);
        break;
      case 'heartbeat': {
        const socket = sockets.get(action.sid);
        if (!socket) break;
        socket.page.upstreamFrames++;
        socket.page.heartbeats++;
        socket.page.heartbeatBytes += HEARTBEAT_BYTES;
        // As the pattern has it: refreshes lastSeen and marks online, without telling anyone.
        setPresence(socket.uid, 'online', action.sid);
        schedule.add(now + HEARTBEAT_MS, action);
        break;
      }
      case 'ping': {
        const socket = sockets.get(action.sid);
        if (!socket) break;
        socket.page.transportFrames++;
        socket.page.bytes += wsBytes(1);
        socket.page.upstreamFrames++; // the pong
        socket.page.heartbeats++;
        socket.page.heartbeatBytes += wsBytes(1) + wsBytes(1, true);
        schedule.add(now + PING_MS, action);
        break;
      }
      case 'grace': {
        const current = presenceMap.get(action.uid);
        if (current && current.socketId === action.sid) {
          setPresence(action.uid, 'offline', null);
          broadcastPresence(action.uid, 'offline');
        }
        break;
      }
      case 'sweep':
        for (const [uid, entry] of presenceMap) {
          if (entry.status !== 'offline' && now - entry.lastSeen > TTL_MS) {
            presenceMap.set(uid, { status: 'offline', lastSeen: entry.lastSeen, socketId: null });
            recordTransition(tally, uid, now);
            broadcastPresence(uid, 'offline');
          }
        }
        break;
      case 'sample':
        sample(
          tally,
          [...sockets.values()].map((s) => s.page),
          (uid) => presenceMap.get(uid)?.status === 'online',
          now,
        );
        break;
    }
  }
  for (const page of tally.pages) if (page.closeAt === null || page.closeAt > durationMs) page.closeAt = durationMs;
  return { system: 'Socket.IO pattern (seed 002)', mode, tally, durationMs };
}

// ---------------------------------------------------------------- report

export interface MessagesRow {
  system: string;
  mode: Mode;
  pages: number;
  watcherHours: number;
  frames: number;
  updates: number;
  uselessUpdates: number;
  framesToIdlePages: number;
  transportFrames: number;
  upstreamFrames: number;
  heartbeats: number;
  heartbeatBytes: number;
  bytes: number;
  openingBytes: number;
  flicker: number;
  missedSamples: number;
  onlineWhileIdleSamples: number;
  offlineWhileActiveSamples: number;
  samples: number;
}

export function summarizeResult(r: SystemResult): MessagesRow {
  const pages = r.tally.pages;
  const sum = (f: (p: Page) => number): number => pages.reduce((s, p) => s + f(p), 0);
  return {
    system: r.system,
    mode: r.mode,
    pages: pages.length,
    watcherHours: sum((p) => (p.closeAt ?? r.durationMs) - p.openAt) / 3_600_000,
    frames: sum((p) => p.frames),
    updates: sum((p) => p.updates),
    uselessUpdates: sum((p) => p.uselessUpdates),
    framesToIdlePages: sum((p) => (wasIdle(r.tally, p, r.durationMs) ? p.updates : 0)),
    transportFrames: sum((p) => p.transportFrames),
    upstreamFrames: sum((p) => p.upstreamFrames),
    heartbeats: sum((p) => p.heartbeats),
    heartbeatBytes: sum((p) => p.heartbeatBytes),
    bytes: sum((p) => p.bytes),
    openingBytes: sum((p) => p.openingBytes),
    flicker: sum((p) => p.flicker),
    missedSamples: r.tally.missedSamples,
    onlineWhileIdleSamples: r.tally.onlineWhileIdleSamples,
    offlineWhileActiveSamples: r.tally.offlineWhileActiveSamples,
    samples: r.tally.samples,
  };
}

export type MessagesOptions = TraceOptions;

export async function runMessages(o: MessagesOptions): Promise<{ rows: MessagesRow[]; markdown: string }> {
  const trace = buildTrace(o);
  const rows: MessagesRow[] = [];
  const openings: {
    mode: Mode;
    head: number;
    hello: number;
    snapshot: number;
    share: number;
    now: number;
    peer: number;
  }[] = [];
  const readers = withReaders(trace, o.durationMs, o.seed + 1);
  for (const mode of ['multi-page', 'single-page', READERS] as const) {
    const visits = mode === READERS ? readers : trace;
    const kit = await replayKit(visits, mode, o.durationMs);
    const kitRow = summarizeResult(kit);
    const peerRow = summarizeResult(replayPeer(visits, mode, o.durationMs));
    rows.push(kitRow, peerRow);
    const pages = kit.tally.pages;
    const total = (f: (p: Page) => number): number => pages.reduce((sum, p) => sum + f(p), 0);
    openings.push({
      mode,
      head: total((p) => p.opening.head) / pages.length,
      hello: total((p) => p.opening.hello) / pages.length,
      snapshot: total((p) => p.opening.snapshot) / pages.length,
      share: (100 * kitRow.openingBytes) / kitRow.bytes,
      now: kitRow.bytes / kitRow.watcherHours / 1024,
      peer: peerRow.bytes / peerRow.watcherHours / 1024,
    });
  }
  const interactions = readers.reduce((n, v) => n + (v.interactions?.length ?? 0), 0);
  // The readers again with the page's reports off: what a single-page app showed before issue 13.
  const silent = summarizeResult(await replayKit(readers, READERS, o.durationMs, false));
  const behaviours = new Map<string, number>();
  for (const v of trace) behaviours.set(v.behaviour, (behaviours.get(v.behaviour) ?? 0) + 1);
  const views = trace.reduce((s, v) => s + v.views.length, 0);

  const perHour = (r: MessagesRow, x: number): string => fmt.n(x / r.watcherHours, 0);
  const body = rows.map((r) => {
    const peer = rows.find((p) => p.mode === r.mode && p.system !== 'presence-kit') as MessagesRow;
    const kit = r.system === 'presence-kit';
    return [
      r.mode,
      r.system,
      fmt.n(r.pages),
      fmt.n(r.watcherHours, 1),
      fmt.n(r.frames / r.pages, 2),
      perHour(r, r.frames),
      kit ? `${fmt.n(peer.frames / r.frames, 1)}× fewer` : '—',
      fmt.n(r.bytes / r.watcherHours / 1024, 1),
      kit ? fmt.ratio(r.bytes / peer.bytes) : '—',
      `${fmt.n((100 * r.openingBytes) / r.bytes, 0)}%`,
      `${fmt.n(r.uselessUpdates)} of ${fmt.n(r.updates)}`,
      fmt.n(r.framesToIdlePages),
      fmt.n(r.flicker),
      fmt.n(r.missedSamples),
      fmt.n(r.onlineWhileIdleSamples),
      fmt.n(r.offlineWhileActiveSamples),
      perHour(r, r.transportFrames),
      perHour(r, r.upstreamFrames),
    ];
  });
  const markdown = [
    `Trace: ${fmt.n(o.users)} users over ${o.durationMs / 60_000} min (${[...behaviours].map(([b, n]) => `${n} ${b}`).join(', ')}; ${fmt.n(views)} page views), every page shows ${o.watchesPerPage} other users' dots; ${fmt.n(rows[0]?.samples ?? 0)} page × uid state samples (every 10 s) per system. "Frames" are messages that carry presence (snapshot or bulk answer, then updates); keep-alives/pings are counted apart. Bytes are server → page, including HTTP/WebSocket handshakes.`,
    '',
    table(
      [
        'mode',
        'system',
        'pages',
        'watcher-hours',
        'frames / page',
        'frames / watcher-hour',
        'kit vs peer frames',
        'KiB / watcher-hour',
        'kit / peer bytes',
        'bytes in page openings',
        'updates that changed nothing',
        'updates to idle pages',
        'flicker',
        'missed state (samples)',
        'online while idle > 80 s (samples)',
        'offline while active 10–60 s ago (samples)',
        'keep-alive or ping / watcher-hour',
        'upstream frames / watcher-hour',
      ],
      body,
    ),
    '',
    `Where presence-kit's bytes go when every page view opens a session (per page, averaged; a multi-page site's next page resumes from the one before it, so its snapshot carries only what changed):`,
    '',
    table(
      [
        'mode',
        'HTTP heads + subscribe answer B',
        'hello event B',
        'snapshot event B',
        'opening share of all bytes',
        'KiB / watcher-hour',
        'peer KiB / watcher-hour',
      ],
      openings.map((x) => [
        x.mode,
        fmt.n(x.head, 0),
        fmt.n(x.hello, 0),
        fmt.n(x.snapshot, 0),
        `${fmt.n(x.share, 0)}%`,
        fmt.n(x.now, 1),
        fmt.n(x.peer, 1),
      ]),
    ),
    '',
    `What keeps the sender present, page → server and back, in the same runs: presence-kit's pages send nothing but their requests, and readers (the last mode: ${fmt.n(interactions)} interactions without a request) one \`POST /presence/activity\` per write period while they interact (a ${ACTIVITY_REQUEST_HEAD_BYTES} B browser head, a bodiless 204); the peer's sockets send a heartbeat every 15 s and answer engine.io's ping every 25 s, interacting or not. The same readers with the page's reports off (as before issue 13): ${fmt.n(silent.offlineWhileActiveSamples)} samples offline while active, ${fmt.n(silent.missedSamples)} missed, ${fmt.n(silent.flicker)} flicker.`,
    '',
    table(
      [
        'mode',
        'system',
        'heartbeats or reports / watcher-hour',
        'their B / watcher-hour',
        'all upstream frames / watcher-hour',
      ],
      rows.map((r) => [
        r.mode,
        r.system,
        perHour(r, r.heartbeats),
        perHour(r, r.heartbeatBytes),
        perHour(r, r.upstreamFrames),
      ]),
    ),
  ].join('\n');
  return { rows, markdown };
}

/** A chat's member list: a team where every page shows every other member. */
export const TEAM_TRACE = { users: 100, watchesPerPage: 99 } as const;

if (isMain(import.meta.url)) {
  const crowd = await runMessages({ users: quick ? 200 : 1000, durationMs: 600_000, watchesPerPage: 20, seed: 5 });
  const team = await runMessages({ ...TEAM_TRACE, durationMs: 600_000, seed: 5 });
  publish('5-messages', `${crowd.markdown}\n\n**A team's member list.** ${team.markdown}`);
}
