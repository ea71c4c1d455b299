/**
 * Scenario 3 — tick cost: a relay tick over a real SQLite file of 100,000 and 1,000,000
 * users, 1% and 10% of them online, while 100 things change every second (50 offline
 * users come online, 50 online users' windows end, 50 online users write again). Side by
 * side on the same file and the same ticks: the tick before it went incremental (read
 * every possibly-online row, apply the rules to each, sort the whole roster with
 * `localeCompare`: test/support/full-online-set.ts) and the real `relay.tick()` now.
 */
import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_WINDOW, offlineAt } from '@presence-kit/core';
// The relay and the store are the kit's internals, not its public API: read from the source.
import { createLastSeenStore } from '../packages/server/src/last-seen-store.js';
import { OnlineSet } from '../packages/server/src/online-set.js';
import { Relay } from '../packages/server/src/relay.js';
import { fmt, isMain, publish, quick, table } from './lib/report.js';
import { median, percentile } from './lib/stats.js';
import { FakeClock, FullOnlineSet } from '../test/support/index.js';
import { seededRandom } from '../test/support/random.js';

export interface TickOptions {
  users: readonly number[];
  onlineFractions: readonly number[];
  /** Steady ticks measured, one simulated second apart. */
  repeats: number;
  /** Per second: this many joins, this many leaves and this many refreshes of online users. */
  changesPerKind: number;
}

export interface TickRow {
  users: number;
  online: number;
  firstBeforeMs: number;
  firstAfterMs: number;
  beforeMs: number;
  beforeP99Ms: number;
  afterMs: number;
  afterP99Ms: number;
  /** The process's CPU time over each relay.tick (p50): what a loaded machine does not inflate. */
  afterCpuMs: number;
  /** The online set's step alone (what replaced the full recomputation), without the relay's roster frame. */
  stepMs: number;
  stepP99Ms: number;
  /** Rows each tick read (median): the whole window before, the write band after. */
  rowsBefore: number;
  rowsAfter: number;
  /** Online-set changes per tick (median); both sides must agree on every one. */
  changes: number;
  /** Ticks where the two disagreed on who entered or left (must be 0). */
  disagreements: number;
}

const WRITE_SECONDS = DEFAULT_WINDOW.timeoutSeconds / 2;

function timed<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const value = fn();
  return [value, performance.now() - start];
}

/** Milliseconds of CPU time (user + system, every thread of the process) that `fn` took. */
function cpuTimed<T>(fn: () => T): [T, number, number] {
  const cpu = process.cpuUsage();
  const [value, ms] = timed(fn);
  const used = process.cpuUsage(cpu);
  return [value, ms, (used.user + used.system) / 1000];
}

export async function runTick(o: TickOptions): Promise<{ rows: TickRow[]; markdown: string }> {
  const rows: TickRow[] = [];
  const longest = offlineAt(true, 0, DEFAULT_WINDOW);
  for (const users of o.users) {
    for (const fraction of o.onlineFractions) {
      const dir = mkdtempSync(join(tmpdir(), 'presence-tick-'));
      const db = new BetterSqlite3(join(dir, 'presence.db'));
      db.pragma('journal_mode = WAL');
      try {
        const clock = new FakeClock();
        const rand = seededRandom(3);
        const store = createLastSeenStore(db, undefined);
        const insert = db.prepare('INSERT INTO presence_users (uid, name, avatar_url, last_seen) VALUES (?, ?, ?, ?)');
        const target = Math.round(users * fraction);
        const online = new Set<number>();
        // Online users spread over the key space (every (1/fraction)-th uid); the rest seen an hour to 30 days ago.
        for (let k = 0; k < target; k++) online.add(Math.floor((k * users) / target));
        // Unmeasured seconds first, so the write band holds its steady-state ~33 s of writes when measuring starts.
        const warmup = WRITE_SECONDS + 3;
        const leaving = o.changesPerKind * (warmup + o.repeats + 2);
        // How much older than a second they can be and still outlast the run.
        const staysMs = longest - (warmup + o.repeats + 5) * 1000;
        db.transaction(() => {
          let k = 0;
          for (let i = 0; i < users; i++) {
            let seen = clock.now() - 3_600_000 - Math.floor(rand() * 30 * 86_400_000);
            if (online.has(i)) {
              // The first ones leave on a schedule, `changesPerKind` a second. The others were seen in the last
              // few seconds, so they stay online to the end and are out of the write band once measuring starts.
              seen =
                k < leaving
                  ? clock.now() - longest + Math.floor((k * 1000) / o.changesPerKind) + 500
                  : clock.now() - 1000 - Math.floor(rand() * staysMs);
              k++;
            }
            insert.run(String(i), `User ${(i * 7919) % users}`, `/avatars/${i}.png`, seen);
          }
        })();
        const onlineList = [...online];
        const offline = (): string => {
          for (;;) {
            const i = Math.floor(rand() * users);
            if (!online.has(i)) return String(i);
          }
        };
        const clocks = { store, window: DEFAULT_WINDOW, now: clock.now, monotonic: clock.monotonic };
        const before = new FullOnlineSet({ ...clocks, readAll: false });
        const step = new OnlineSet({ ...clocks, writeSeconds: WRITE_SECONDS });
        const relay = new Relay({
          online: new OnlineSet({ ...clocks, writeSeconds: WRITE_SECONDS }),
          window: DEFAULT_WINDOW,
          now: clock.now,
          tickMs: 1000,
          keepAliveMs: 15_000,
          onError: (e) => {
            throw e;
          },
        });
        let rowsRead = 0;
        const counting = store.recentlySeen;
        store.recentlySeen = (cutoff) => {
          const found = counting(cutoff);
          rowsRead += found.length;
          return found;
        };
        const [, firstBeforeMs] = timed(() => before.step());
        const [, firstAfterMs] = timed(() => relay.tick());
        step.step();
        const samples = {
          step: [] as number[],
          before: [] as number[],
          after: [] as number[],
          afterCpu: [] as number[],
          rowsBefore: [] as number[],
          rowsAfter: [] as number[],
          changes: [] as number[],
        };
        let disagreements = 0;
        for (let t = -warmup; t < o.repeats; t++) {
          clock.advance(1);
          for (let c = 0; c < o.changesPerKind; c++) {
            store.touch(offline(), clock.now());
            store.touch(String(onlineList[Math.floor(rand() * onlineList.length)]), clock.now());
          }
          if (t < 0) {
            // The full recomputation needs no warming up: it catches up on the first measured tick.
            relay.tick();
            step.step();
            continue;
          }
          // Rotate which goes first, so none always pays for reading the new writes first.
          const runStep = () => {
            const [, ms] = timed(() => step.step());
            samples.step.push(ms);
          };
          let b: ReturnType<FullOnlineSet['step']> | undefined;
          let a: ReturnType<Relay['tick']> | undefined;
          const runBefore = () => {
            rowsRead = 0;
            const [step, ms] = timed(() => before.step());
            samples.before.push(ms);
            samples.rowsBefore.push(rowsRead);
            b = step;
          };
          const runAfter = () => {
            rowsRead = 0;
            const [result, ms, cpu] = cpuTimed(() => relay.tick());
            samples.after.push(ms);
            samples.afterCpu.push(cpu);
            samples.rowsAfter.push(rowsRead);
            a = result;
          };
          const runs = [runBefore, runAfter, runStep];
          for (let r = 0; r < runs.length; r++) runs[(t + r) % runs.length]!();
          if (!a || !b) throw new Error('unreachable: every run ran');
          const full = [...b.entered, ...b.left.map((l) => l.uid)].sort();
          // The first measured tick's full recomputation also catches up on the warm-up's changes.
          if (t > 0 && full.join() !== [...a.changed].sort().join()) disagreements++;
          samples.changes.push(a.changed.length);
        }
        rows.push({
          users,
          online: target,
          firstBeforeMs,
          firstAfterMs,
          beforeMs: median(samples.before),
          beforeP99Ms: percentile(samples.before, 99),
          afterMs: median(samples.after),
          afterP99Ms: percentile(samples.after, 99),
          afterCpuMs: median(samples.afterCpu),
          stepMs: median(samples.step),
          stepP99Ms: percentile(samples.step, 99),
          rowsBefore: median(samples.rowsBefore),
          rowsAfter: median(samples.rowsAfter),
          changes: median(samples.changes),
          disagreements,
        });
      } finally {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  const markdown = [
    `One tick per simulated second over a SQLite file (WAL), ${o.repeats} ticks measured after the first tick and ${WRITE_SECONDS + 3} unmeasured ones (so the write band is full); each second ${o.changesPerKind} offline users write (and come online), ${o.changesPerKind} online users' windows end and ${o.changesPerKind} online users write again. Before = the full recomputation the tick did until now (every possibly-online row read, the roster re-sorted with \`localeCompare\` on every change); after = the incremental online set's step alone (\`OnlineSet.step()\`, sorted roster kept in place), and the real \`relay.tick()\` around it (no streams open: numbering the flips, publishing the roster, the fan-out finding no watcher), in wall time and in the process's CPU time (which other work on the machine does not inflate). All run on the same file after the same writes, rotating which goes first.`,
    '',
    table(
      [
        'users',
        'online',
        'first tick ms (before / after)',
        'tick ms p50 before',
        'online-set step ms p50 after',
        'whole relay.tick ms p50 after (CPU ms)',
        'p99 ms (before / step / tick)',
        'step vs before (p50)',
        'rows read per tick (before / after)',
        'set changes per tick',
        'ticks that disagree',
      ],
      rows.map((r) => [
        fmt.n(r.users),
        fmt.n(r.online),
        `${fmt.ms(r.firstBeforeMs)} / ${fmt.ms(r.firstAfterMs)}`,
        fmt.ms(r.beforeMs),
        fmt.ms(r.stepMs),
        `${fmt.ms(r.afterMs)} (${fmt.ms(r.afterCpuMs)})`,
        `${fmt.ms(r.beforeP99Ms)} / ${fmt.ms(r.stepP99Ms)} / ${fmt.ms(r.afterP99Ms)}`,
        fmt.ratio(r.stepMs / r.beforeMs),
        `${fmt.n(r.rowsBefore)} / ${fmt.n(r.rowsAfter)}`,
        fmt.n(r.changes),
        fmt.n(r.disagreements),
      ]),
    ),
  ].join('\n');
  return { rows, markdown };
}

if (isMain(import.meta.url)) {
  const { markdown } = await runTick({
    users: quick ? [100_000] : [100_000, 1_000_000],
    onlineFractions: [0.01, 0.1],
    repeats: quick ? 10 : 30,
    changesPerKind: 50,
  });
  publish('3-tick', markdown);
}
