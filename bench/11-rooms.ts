/**
 * Scenario 11 — rooms: 1,000 viewers enter one room over the first half of a minute and leave
 * over the second (each closes its stream; the grace then lets them go), every one of them a
 * signed-in member watching the bar's window (the first 12 and the count), and once more
 * watching the whole room. Per viewer: room frames and bytes received, and the most frames in
 * one tick; against the naive broadcast (every join and every leave sent to every member in the
 * room at that moment, as Ably's docs count it). Server CPU: the subscribe requests and the
 * ticks, measured around them (the streams are read in between, off the clock). With `redisUrl`,
 * a third row: the same room on two nodes on one Redis, viewers alternating between them.
 */
import { seededRandom } from '../test/support/random.js';
import { FakeClock, createTestHost, startRedis, tempDbPath, type TestRedis } from '../test/support/index.js';
import type { RedisRoomStore } from '../packages/server/src/redis/redis-room-store.js';
// Ticking the rooms by hand is for tests and benchmarks: the kit's internals, not its public API.
import { internalsOf } from '../packages/server/src/internals.js';
import { fmt, isMain, publish, quick, table } from './lib/report.js';

export interface RoomsOptions {
  viewers: number;
  /** Simulated seconds: entries over the first half, stream closes over the second. */
  seconds: number;
  graceSeconds: number;
  seed: number;
  /** Also run the room on two Redis nodes (a redis-server is started for it). */
  redis?: boolean;
}

export interface RoomsRow {
  window: string;
  viewers: number;
  ticks: number;
  framesPerViewer: number;
  /** The most room frames any viewer received in one tick (its window on entering excluded). */
  maxFramesPerTick: number;
  kibPerViewer: number;
  naiveMessagesPerViewer: number;
  naiveKibPerViewer: number;
  serverCpuMs: number;
  slowestTickMs: number;
  /** Members when everyone had entered, as the server counted them. */
  peakMembers: number;
  /** On Redis: scripts the server ran (INFO commandstats: every presence script, rooms and online set) per node per tick. */
  redisCommandsPerNodeTick?: number;
}

const encoder = new TextEncoder();
const uid = (i: number) => `u${String(i).padStart(5, '0')}`;

/** A stream read as it arrives: bytes, and room frames per tick. */
class CountingReader {
  bytes = 0;
  frames = 0;
  framesThisTick = 0;
  maxPerTick = 0;
  #pending = '';
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  sid: Promise<string>;

  constructor(response: Response) {
    const reader = response.body!.getReader();
    this.#reader = reader;
    let resolveSid!: (sid: string) => void;
    this.sid = new Promise((resolve) => (resolveSid = resolve));
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done || !value) return;
        this.bytes += value.byteLength;
        this.#pending += this.#decoder.decode(value, { stream: true });
        for (let end = this.#pending.indexOf('\n\n'); end !== -1; end = this.#pending.indexOf('\n\n')) {
          const frame = this.#pending.slice(0, end);
          this.#pending = this.#pending.slice(end + 2);
          if (frame.startsWith('event: hello')) resolveSid(/"sid":"([^"]+)"/.exec(frame)![1]!);
          if (frame.startsWith('event: room')) {
            this.frames += 1;
            this.framesThisTick += 1;
          }
        }
      }
    })();
  }

  endTick(): void {
    this.maxPerTick = Math.max(this.maxPerTick, this.framesThisTick);
    this.framesThisTick = 0;
  }

  cancel(): Promise<void> {
    return this.#reader.cancel();
  }
}

const drain = () => new Promise<void>((resolve) => setTimeout(() => setImmediate(resolve), 0));

async function runOne(o: RoomsOptions, max: number | null, redis?: TestRedis): Promise<RoomsRow> {
  const redisUrl = redis?.url;
  const clock = new FakeClock();
  const db = tempDbPath();
  const options = {
    roomGraceSeconds: o.graceSeconds,
    maxStreams: o.viewers + 10,
    maxStreamsPerClient: o.viewers + 10,
    ...(redisUrl ? { redis: redisUrl } : {}),
  };
  // On Redis, two nodes: viewer i's stream and subscribes on node i % 2.
  const hosts = Array.from({ length: redisUrl ? 2 : 1 }, () => createTestHost(options, clock, db.path));
  for (const host of hosts) await host.presence.ready;
  const { presence } = hosts[0]!;
  const appOf = (i: number) => hosts[i % hosts.length]!.app;
  const roomSets = hosts.map((host) => internalsOf(host.presence).rooms);
  const stores = redisUrl ? hosts.map((host) => internalsOf(host.presence).engine.rooms as RedisRoomStore) : [];
  await redis?.resetStats();
  for (let i = 0; i < o.viewers; i++) presence.upsertUser({ uid: uid(i), name: `Viewer ${i}`, avatar: null });
  const rand = seededRandom(o.seed);
  const half = o.seconds / 2;
  const enterAt = Array.from({ length: o.viewers }, () => Math.floor(rand() * half));
  const leaveAt = Array.from({ length: o.viewers }, () => half + Math.floor(rand() * half));
  const readers: (CountingReader | undefined)[] = [];
  const window = max === null ? {} : { max };

  // The naive broadcast: each join and each leave goes to everyone in the room at that moment.
  const sampleJoin = encoder.encode(
    `event: join\ndata: ${JSON.stringify({ room: 'doc:42', uid: uid(0), name: 'Viewer 0', avatar: null })}\n\n`,
  ).byteLength;
  let naiveMessages = 0;
  let inRoom = 0;

  let cpuMicros = 0;
  let slowestTick = 0;
  let peakMembers = 0;
  const measure = async <T>(work: () => Promise<T> | T): Promise<T> => {
    const before = process.cpuUsage();
    const result = await work();
    const spent = process.cpuUsage(before);
    cpuMicros += spent.user + spent.system;
    return result;
  };
  const ticks = o.seconds + o.graceSeconds + 2;
  for (let second = 0; second < ticks; second++) {
    for (let i = 0; i < o.viewers; i++) {
      if (enterAt[i] === second) {
        const headers = { 'x-test-user': uid(i) };
        const reader = new CountingReader(await appOf(i).request('/presence/stream?v=2', { headers }));
        readers[i] = reader;
        const sid = await reader.sid;
        await measure(() =>
          appOf(i).request('/presence/subscribe', {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify({ sid, rooms: { 'doc:42': window } }),
          }),
        );
        naiveMessages += inRoom;
        inRoom += 1;
      }
      if (leaveAt[i] === second) {
        await readers[i]?.cancel();
        inRoom -= 1;
        naiveMessages += inRoom;
      }
    }
    await drain();
    // The window each viewer got on entering is not a tick's frame.
    for (const reader of readers) if (reader) reader.framesThisTick = 0;
    clock.advance(1);
    const started = performance.now();
    await measure(() => {
      for (const rooms of roomSets) rooms.tick();
    });
    slowestTick = Math.max(slowestTick, performance.now() - started);
    // Each node's round trip to Redis, started by its tick, brings the others' rows to its next tick.
    for (const store of stores) await store.settled();
    peakMembers = Math.max(peakMembers, presence.roomMembers('doc:42').count);
    await drain();
    for (const reader of readers) reader?.endTick();
  }
  let commands = 0;
  if (redis) {
    const calls = await redis.commandCalls();
    // Scripts run (commands inside a script are counted apart by Redis, so these are the round trips that carry work).
    commands = (calls.evalsha ?? 0) + (calls.eval ?? 0);
  }
  for (const host of hosts) await host.presence.close();
  db.cleanup();
  const all = readers.filter((r): r is CountingReader => r !== undefined);
  const sum = (f: (r: CountingReader) => number) => all.reduce((total, r) => total + f(r), 0);
  return {
    window: (max === null ? 'whole room' : `first ${max}`) + (redisUrl ? ', 2 nodes on Redis' : ''),
    viewers: o.viewers,
    ticks,
    framesPerViewer: sum((r) => r.frames) / all.length,
    maxFramesPerTick: Math.max(...all.map((r) => r.maxPerTick)),
    kibPerViewer: sum((r) => r.bytes) / all.length / 1024,
    naiveMessagesPerViewer: naiveMessages / o.viewers,
    naiveKibPerViewer: (naiveMessages * sampleJoin) / o.viewers / 1024,
    serverCpuMs: cpuMicros / 1000,
    slowestTickMs: slowestTick,
    peakMembers,
    ...(redis ? { redisCommandsPerNodeTick: commands / (ticks * hosts.length) } : {}),
  };
}

export async function runRooms(o: RoomsOptions): Promise<{ rows: RoomsRow[]; markdown: string }> {
  const rows = [await runOne(o, 12), await runOne(o, null)];
  if (o.redis) {
    const redis = await startRedis();
    try {
      rows.push(await runOne(o, 12, redis));
    } finally {
      await redis.stop();
    }
  }
  const markdown = [
    `${fmt.n(o.viewers)} signed-in viewers of one room over ${o.seconds} simulated seconds (one tick each): each opens its stream and enters the room at a random second of the first half, and closes it at a random second of the second half; the grace (${o.graceSeconds} s here) then lets them go. In process over a SQLite file, streams read as they arrive. Naive = every join and every leave sent to every member in the room at that moment (one small message each). Server CPU = the subscribe requests and the ticks, measured around them.${o.redis ? ' On Redis: two nodes in this process on one local redis-server, viewers alternating between them, each node ticked by hand and its round trip awaited (a change crosses nodes at the next tick); one script per node per tick carries its rooms, whatever its viewers; the scripts column counts every script Redis ran (INFO commandstats), so it includes the online set lease, read and publish started by the viewers’ activity; CPU is both nodes together.' : ''}`,
    '',
    table(
      [
        'window',
        'viewers',
        'ticks',
        'room frames per viewer',
        'most frames in one tick',
        'KiB per viewer',
        'naive messages per viewer',
        'naive KiB per viewer',
        'server CPU ms (all)',
        'slowest tick ms',
        'Redis scripts per node per tick',
      ],
      rows.map((r) => [
        r.window,
        fmt.n(r.viewers),
        fmt.n(r.ticks),
        fmt.n(r.framesPerViewer, 1),
        fmt.n(r.maxFramesPerTick),
        fmt.n(r.kibPerViewer, 1),
        fmt.n(r.naiveMessagesPerViewer, 0),
        fmt.n(r.naiveKibPerViewer, 1),
        fmt.n(r.serverCpuMs, 0),
        fmt.ms(r.slowestTickMs),
        r.redisCommandsPerNodeTick === undefined ? '—' : fmt.n(r.redisCommandsPerNodeTick, 1),
      ]),
    ),
  ].join('\n');
  return { rows, markdown };
}

if (isMain(import.meta.url)) {
  const { markdown } = await runRooms({
    viewers: quick ? 200 : 1000,
    seconds: 60,
    graceSeconds: 5,
    seed: 11,
    redis: true,
  });
  publish('11-rooms', markdown);
}
