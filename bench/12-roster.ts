/**
 * Scenario 12 — roster watchers: 100 pages showing `<online-now max="12">` (the first 12
 * and the count) while 10 people join and 10 leave every second, at 10,000 and at 100,000
 * online, on real streams to the host process of scenario 7 (bench/workers/host-server.ts,
 * real clock, real 1 s ticks). Measured: what each watcher receives against what the
 * target allows from the same trace (2 × the bytes of the changes inside its window and
 * of the count), the host process's CPU time, and the host's own requests beside it.
 * Every watcher's window is checked against the relay's at every frame id.
 */
import { get, type ClientRequest } from 'node:http';
import { applyRosterFrame, type Roster, type RosterDeltaFrame, type RosterWindowFrame } from '@presence-kit/core';
import { Worker } from './lib/child.js';
import { hostRequest as request } from './lib/host-request.js';
import { fmt, isMain, publish, quick, table } from './lib/report.js';
import { summarize, type Summary } from './lib/stats.js';
import type { TickRecord } from './workers/host-server.js';

export interface RosterOptions {
  onlines: readonly number[];
  watchers: number;
  max: number;
  perSecond: number;
  seconds: number;
}

export interface RosterRow {
  mode: 'bare host' | 'presence + roster watchers';
  online: number;
  watchers: number;
  /** Body bytes each watcher received while measured (median over watchers). */
  bytesPerWatcher: number;
  /** What the target allows each watcher: 2 × the bytes of the changes inside its window plus the count's. */
  allowedPerWatcher: number;
  /** Frames per watcher that changed the count alone. */
  countFramesPerWatcher: number;
  /** Body bytes of each watcher's opening: hello, then the window's snapshot. */
  openingBytes: number;
  /** Ticks whose window or count changed: each must be exactly one frame to each watcher. */
  windowChanges: number;
  /** Set changes over the measured seconds. */
  setChanges: number;
  /** Watcher frames whose window, applied, is not the relay's at that id; frames missing or extra. */
  mismatches: number;
  cpu: number;
  requests: Summary;
  loop: { p50: number; p99: number; max: number };
  ticks: Summary;
}

/** The server's default `countSeconds`: a window gets a change of the count alone at most this often. */
const COUNT_SECONDS = 5;

/** One watcher: a session, subscribed to the first `max`; frames applied as a page's store does. */
class Watcher {
  bytes = 0;
  roster: Roster = { count: 0, users: [] };
  /** The window after each frame, by frame id. */
  readonly states = new Map<string, string>();
  /** Ids of the frames that changed the count alone (held back to one per `countSeconds`). */
  readonly countOnly: string[] = [];
  readonly #request: ClientRequest;
  #text = '';
  #opened!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.#opened = resolve));

  constructor(base: string, max: number) {
    this.#request = get(`${base}/presence/stream?v=2`, (res) =>
      res.on('data', (chunk: Buffer) => {
        this.bytes += chunk.length;
        this.#text += chunk.toString();
        for (let end = this.#text.indexOf('\n\n'); end !== -1; end = this.#text.indexOf('\n\n')) {
          this.#frame(this.#text.slice(0, end), base, max);
          this.#text = this.#text.slice(end + 2);
        }
      }),
    );
  }

  #frame(text: string, base: string, max: number): void {
    const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(text)?.[1];
    const event = field('event');
    const data = field('data');
    if (event === 'hello') {
      const { sid } = JSON.parse(data!) as { sid: string };
      void fetch(`${base}/presence/subscribe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sid, roster: { max } }),
      }).then((r) => r.arrayBuffer());
    }
    if (event !== 'roster') return;
    const frame = JSON.parse(data!) as RosterWindowFrame | RosterDeltaFrame;
    this.roster = applyRosterFrame(this.roster.users, frame);
    if (!('users' in frame) && !frame.join && !frame.leave) this.countOnly.push(field('id') ?? '');
    this.states.set(
      field('id') ?? '',
      stateOf(
        this.roster.users.map((e) => e.uid),
        this.roster.count,
      ),
    );
    if ('users' in frame) this.#opened();
  }

  close(): void {
    this.#request.destroy();
  }
}

const stateOf = (uids: readonly string[], count: number): string => `${uids.join(',')} | ${count}`;

interface HostReport {
  cpu: number;
  p50: number;
  p99: number;
  max: number;
  ticks: TickRecord[];
}

/** What the target allows one watcher over these ticks: 2 × the bytes its window's changes and the count's take as JSON. */
function allowance(ticks: readonly TickRecord[], countBefore: number): { bytes: number; changes: TickRecord[] } {
  let bytes = 0;
  let count = countBefore;
  const changes: TickRecord[] = [];
  for (const tick of ticks) {
    if (tick.count === undefined) continue;
    const moved = tick.joined!.length + tick.left!.length > 0;
    if (!moved && tick.count === count) continue;
    changes.push(tick);
    for (const entry of tick.joined!) bytes += JSON.stringify([entry.uid, entry.name, entry.avatar, 0]).length;
    for (const uid of tick.left!) bytes += JSON.stringify(uid).length;
    if (tick.count !== count) bytes += String(tick.count).length;
    count = tick.count;
  }
  return { bytes: 2 * bytes, changes };
}

async function run(mode: RosterRow['mode'], online: number, o: RosterOptions): Promise<RosterRow> {
  const host = new Worker('host-server.ts');
  const watchers: Watcher[] = [];
  try {
    const users = online * 2;
    const base = await host.call<string>({
      type: 'start',
      withPresence: mode !== 'bare host',
      online,
      users,
      perSecond: o.perSecond,
      seconds: o.seconds,
      traceWindow: o.max,
    });
    if (mode !== 'bare host') {
      for (let i = 0; i < o.watchers; i++) watchers.push(new Watcher(base, o.max));
      await Promise.all(watchers.map((w) => w.opened));
    }
    // Warm-up requests compile the request path once, so the measured seconds exclude one-time costs.
    for (let i = 0; i < 50; i++) await request(`${base}/api/items`);
    const { count: countBefore } = await host.call<{ count: number }>({ type: 'measure' });
    const bytesBefore = watchers.map((w) => w.bytes);
    const latencies: number[] = [];
    const until = performance.now() + o.seconds * 1000;
    while (performance.now() < until) {
      const next = performance.now() + 20;
      latencies.push(await request(`${base}/api/items`));
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
    }
    const report = await host.call<HostReport>({ type: 'report' });
    // Frames of the last traced tick may still be on their way.
    await new Promise((r) => setTimeout(r, 300));
    const { bytes: allowed, changes } = allowance(report.ticks, countBefore);
    let mismatches = 0;
    const traced = new Map(report.ticks.filter((t) => t.id).map((t) => [t.id!, t]));
    // A change inside the window goes at once; the count alone at most once per countSeconds (5 s).
    const moved = changes.filter((t) => t.joined!.length + t.left!.length > 0).map((t) => t.id!);
    const countFramesAllowed = Math.ceil(o.seconds / COUNT_SECONDS) + 1;
    let countFrames = 0;
    for (const watcher of watchers) {
      const expected = new Set(moved);
      for (const [id, state] of watcher.states) {
        const tick = traced.get(id);
        if (!tick) continue;
        expected.delete(id);
        // A window or count that is not the relay's at that frame's id.
        if (state !== stateOf(tick.window!, tick.count!)) mismatches++;
      }
      // A change inside the window that never came, or counts sent more often than the throttle allows.
      mismatches += expected.size;
      const counts = watcher.countOnly.filter((id) => traced.has(id)).length;
      if (counts > countFramesAllowed) mismatches += counts - countFramesAllowed;
      countFrames += counts;
    }
    await host.call({ type: 'stop' }).catch(() => undefined);
    const received = watchers.map((w, i) => w.bytes - bytesBefore[i]!);
    return {
      mode,
      online,
      watchers: watchers.length,
      bytesPerWatcher: summarize(received).p50,
      allowedPerWatcher: allowed,
      openingBytes: Math.min(...bytesBefore),
      windowChanges: changes.length,
      countFramesPerWatcher: watchers.length > 0 ? countFrames / watchers.length : 0,
      setChanges: report.ticks.reduce((n, t) => n + t.changed, 0),
      mismatches,
      cpu: report.cpu,
      requests: summarize(latencies),
      loop: report,
      ticks: summarize(report.ticks.map((t) => t.ms)),
    };
  } finally {
    for (const w of watchers) w.close();
    await host.stop();
  }
}

export async function runRoster(o: RosterOptions): Promise<{ rows: RosterRow[]; markdown: string }> {
  const rows: RosterRow[] = [];
  for (const online of o.onlines) {
    rows.push(await run('bare host', online, o));
    rows.push(await run('presence + roster watchers', online, o));
  }
  const markdown = [
    `${o.watchers} roster watchers (\`<online-now max="${o.max}">\`: a session subscribed to the first ${o.max} and the count) on real streams to the host process of scenario 7, ${o.perSecond} joins (\`presence.touch\`) and ${o.perSecond} leaves (windows ending) per second, real 1 s ticks, ${o.seconds} s measured, one host request every 20 ms. Bytes are the stream bodies each watcher received while measured (median watcher; the opening apart); allowed = 2 × the bytes, as JSON, of the changes inside the window (a joiner's roster entry, a leaver's uid) and of each new count, from the relay's own roster after each tick of the same run. A change inside a window goes at once; a change of the count alone at most once per \`countSeconds\` (default ${COUNT_SECONDS} s), so most count changes travel inside a later frame. Checked wrong = a window or count that is not the relay's at the frame's id, a change inside the window that never came, or more count frames than the throttle allows. CPU = the host process's CPU time (every thread) over wall time; bare = the same host and requests without presence.`,
    '',
    table(
      [
        'online',
        'host',
        'set changes / s',
        'window or count changes',
        'bytes / watcher (allowed)',
        'vs allowed',
        'opening B / watcher',
        'count-only frames / watcher',
        'frames checked wrong',
        'host CPU % of a core',
        'request ms p50 / p99 / max',
        'event-loop delay ms p50 / p99 / max',
        'relay.tick ms p50 / max (ticks)',
      ],
      rows.map((r) => {
        const kit = r.mode !== 'bare host';
        return [
          fmt.n(r.online),
          kit ? `presence + ${r.watchers} watchers` : r.mode,
          kit ? fmt.n(r.setChanges / o.seconds, 1) : '—',
          kit ? fmt.n(r.windowChanges) : '—',
          kit ? `${fmt.n(r.bytesPerWatcher)} (${fmt.n(r.allowedPerWatcher)})` : '—',
          kit ? (r.allowedPerWatcher > 0 ? fmt.ratio(r.bytesPerWatcher / r.allowedPerWatcher) : '—') : '—',
          kit ? fmt.n(r.openingBytes) : '—',
          kit ? fmt.n(r.countFramesPerWatcher, 1) : '—',
          kit ? `${fmt.n(r.mismatches)} of ${fmt.n(r.windowChanges * r.watchers)}` : '—',
          fmt.n(r.cpu * 100, 1),
          `${fmt.ms(r.requests.p50)} / ${fmt.ms(r.requests.p99)} / ${fmt.ms(r.requests.max)}`,
          `${fmt.ms(r.loop.p50)} / ${fmt.ms(r.loop.p99)} / ${fmt.ms(r.loop.max)}`,
          kit ? `${fmt.ms(r.ticks.p50)} / ${fmt.ms(r.ticks.max)} (${fmt.n(r.ticks.count)})` : '—',
        ];
      }),
    ),
  ].join('\n');
  return { rows, markdown };
}

if (isMain(import.meta.url)) {
  const { markdown } = await runRoster({
    onlines: quick ? [1000] : [10_000, 100_000],
    watchers: 100,
    max: 12,
    perSecond: 10,
    seconds: quick ? 5 : 30,
  });
  publish('12-roster', markdown);
}
