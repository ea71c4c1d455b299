/**
 * Scenario 3 — tick cost: one relay tick over a real SQLite file of 100,000 and
 * 1,000,000 users, 1% and 10% of them online. Baseline: the same candidates query
 * forced to scan the table (`NOT INDEXED`), i.e. what a tick would cost without the index.
 */
import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_WINDOW, candidateCutoff } from '@presence-kit/core';
// The relay and the store are the kit's internals, not its public API: read from the source.
import { createLastSeenStore } from '../packages/server/src/last-seen-store.js';
import { OnlineSet } from '../packages/server/src/online-set.js';
import { Relay } from '../packages/server/src/relay.js';
import { fmt, isMain, publish, quick, table } from './lib/report.js';
import { median, percentile } from './lib/stats.js';
import { seededRandom } from '../test/support/random.js';

export interface TickOptions {
  users: readonly number[];
  onlineFractions: readonly number[];
  repeats: number;
}

export interface TickRow {
  users: number;
  online: number;
  firstTickMs: number;
  tickMs: number;
  tickP99Ms: number;
  queryMs: number;
  scanMs: number;
  plan: string;
}

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
// The unary + keeps SQLite off the index (NOT INDEXED does not, on a WITHOUT ROWID table): the no-index baseline.
const SCAN = 'SELECT CAST(uid AS TEXT), last_seen, hidden FROM presence_users WHERE +last_seen >= ?';

function time(fn: () => unknown, repeats: number): number[] {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return samples;
}

export async function runTick(o: TickOptions): Promise<{ rows: TickRow[]; markdown: string }> {
  const rows: TickRow[] = [];
  for (const users of o.users) {
    const dir = mkdtempSync(join(tmpdir(), 'presence-tick-'));
    const db = new BetterSqlite3(join(dir, 'presence.db'));
    db.pragma('journal_mode = WAL');
    try {
      const store = createLastSeenStore(db, undefined);
      const rand = seededRandom(3);
      const insert = db.prepare('INSERT INTO presence_users (uid, name, avatar_url, last_seen) VALUES (?, ?, ?, ?)');
      db.transaction(() => {
        // Everyone offline: seen between an hour and 30 days ago.
        for (let i = 0; i < users; i++) insert.run(String(i), `User ${i}`, `/avatars/${i}.png`, NOW - 3_600_000 - Math.floor(rand() * 30 * 86_400_000));
      })();
      let online: number;
      const setSeen = db.prepare('UPDATE presence_users SET last_seen = ? WHERE uid = ?');
      for (const fraction of o.onlineFractions) {
        const target = Math.round(users * fraction);
        // Spread the online users over the key space: every (1/fraction)-th uid, seen inside the window.
        db.transaction(() => {
          for (let k = 0; k < target; k++) setSeen.run(NOW - Math.floor(rand() * 50_000), String(Math.floor((k * users) / target)));
        })();
        online = Number((db.prepare('SELECT count(*) AS n FROM presence_users WHERE last_seen >= ?').get(NOW - 60_000) as { n: number }).n);
        const onlineSet = new OnlineSet({ store, window: DEFAULT_WINDOW, now: () => NOW, monotonic: () => NOW, writeSeconds: 30 });
        const relay = new Relay({ online: onlineSet, window: DEFAULT_WINDOW, now: () => NOW, tickMs: 1000, keepAliveMs: 15_000, onError: (e) => { throw e; } });
        const [firstTickMs = 0] = time(() => relay.tick(), 1);
        const ticks = time(() => relay.tick(), o.repeats);
        const cutoff = candidateCutoff(NOW, DEFAULT_WINDOW);
        const query = time(() => store.recentlySeen(cutoff), o.repeats);
        const scanStatement = db.prepare(SCAN).raw();
        const scan = time(() => scanStatement.all(cutoff), Math.max(3, Math.floor(o.repeats / 4)));
        const plan = (db.prepare('EXPLAIN QUERY PLAN SELECT CAST(uid AS TEXT), last_seen, hidden FROM presence_users WHERE last_seen >= ?').all(cutoff) as { detail: string }[])
          .map((r) => r.detail)
          .join('; ');
        const scanPlan = (db.prepare(`EXPLAIN QUERY PLAN ${SCAN}`).all(cutoff) as { detail: string }[]).map((r) => r.detail).join('; ');
        rows.push({ users, online, firstTickMs, tickMs: median(ticks), tickP99Ms: percentile(ticks, 99), queryMs: median(query), scanMs: median(scan), plan: `${plan}\` vs \`${scanPlan}` });
      }
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const markdown = [
    `One \`relay.tick()\` over a SQLite file (WAL), median of ${o.repeats} steady ticks (nothing flips) after a first tick that takes everyone online; the baseline reads the same rows with the index disabled (\`+last_seen\`: what a tick's query costs without it).`,
    '',
    table(
      ['users', 'online', 'first tick ms', 'tick ms (p50)', 'tick ms (p99)', 'tick query ms (index only)', 'same rows by full scan ms (baseline)', 'tick vs scan', 'plans: tick query vs baseline'],
      rows.map((r) => [
        fmt.n(r.users),
        fmt.n(r.online),
        fmt.ms(r.firstTickMs),
        fmt.ms(r.tickMs),
        fmt.ms(r.tickP99Ms),
        fmt.ms(r.queryMs),
        fmt.ms(r.scanMs),
        fmt.ratio(r.tickMs / r.scanMs),
        `\`${r.plan}\``,
      ]),
    ),
  ].join('\n');
  return { rows, markdown };
}

if (isMain(import.meta.url)) {
  const { markdown } = await runTick({ users: quick ? [100_000] : [100_000, 1_000_000], onlineFractions: [0.01, 0.1], repeats: 40 });
  publish('3-tick', markdown);
}
