import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW, type RosterEntry } from '@presence-kit/core';
import { FakeClock, FullOnlineSet, seededRandom, tempDbPath, type FullStep } from '../../../test/support/index.js';
import { createLastSeenStore } from '../src/last-seen-store.js';
import { OnlineSet, type OnlineStep } from '../src/online-set.js';

const WRITE_SECONDS = DEFAULT_WINDOW.timeoutSeconds / 2;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Two connections to one file, as two processes have: this one's store and another writer's. */
function twoWriters() {
  const file = tempDbPath();
  const mine = new BetterSqlite3(file.path);
  mine.pragma('journal_mode = WAL');
  const store = createLastSeenStore(mine, undefined);
  const theirs = new BetterSqlite3(file.path);
  const other = createLastSeenStore(theirs, undefined);
  cleanups.push(() => {
    mine.close();
    theirs.close();
    file.cleanup();
  });
  return { store, other };
}

const shape = (entries: readonly RosterEntry[]) => entries.map((e) => [e.uid, e.name, e.last_seen]);
const incremental = (s: OnlineStep) => ({
  entered: s.entered.map((e) => e.uid).sort(),
  left: s.left.map((l) => [l.entry.uid, l.hidden]).sort(),
});
const full = (s: FullStep) => ({ entered: [...s.entered].sort(), left: s.left.map((l) => [l.uid, l.hidden]).sort() });

describe('the incremental online set', () => {
  it.each([1, 2, 3, 4, 5])('gives exactly the transitions and roster of a full recomputation (seed %i)', (seed) => {
    const rand = seededRandom(seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
    const clock = new FakeClock();
    const { store, other } = twoWriters();
    const uids = Array.from({ length: 150 }, (_, i) => `u${i}`);
    // Names that tie (case, accents) so the uid decides, and people never seen at all.
    const names = ['ada', 'Ada', 'Åda', 'bob', 'Zoë', 'zoe', 'émile', 'Emile', 'carol'];
    for (const uid of uids)
      store.upsertUser({ uid, name: `${pick(names)}`, avatar: rand() < 0.5 ? `/a/${uid}.png` : null });
    // Some already active before the first step: the restart case (primed online, no flicker).
    for (const uid of uids.slice(0, 30)) store.touch(uid, clock.now() - Math.floor(rand() * 90_000));

    const options = { store, window: DEFAULT_WINDOW, now: clock.now, monotonic: clock.monotonic };
    const online = new OnlineSet({ ...options, writeSeconds: WRITE_SECONDS });
    const model = new FullOnlineSet({ ...options, readAll: true });
    let offset = 0;
    let transitions = 0;
    for (let step = 0; step < 400; step++) {
      const a = online.step();
      const b = model.step();
      expect(incremental(a), `step ${step}`).toEqual(full(b));
      // The roster is published when the set changes: then it must be the same, in the same order.
      if (b.entered.length + b.left.length > 0) expect(shape(online.entries), `step ${step}`).toEqual(shape(b.roster));
      transitions += a.entered.length + a.left.length;

      const r = rand();
      if (r < 0.05) {
        // The system clock is set: forward or back by up to 5 minutes, never more than 5 minutes off in all.
        const jump = Math.max(-300, Math.min(300, offset + Math.round((rand() - 0.5) * 600))) - offset;
        clock.jump(jump);
        offset += jump;
      }
      // Mostly a second per step; sometimes none (equal timestamps), sometimes long enough for windows to end.
      clock.advance(r < 0.2 ? 0 : r < 0.9 ? 1 : 5 + Math.floor(rand() * 40));
      for (let k = Math.floor(rand() * 6); k > 0; k--) {
        const uid = pick(uids);
        const writer = rand() < 0.5 ? store : other;
        const kind = rand();
        // A write now; a trailing write carrying held-back activity up to one period old; or
        // the same time as an earlier write (equal timestamps across users).
        if (kind < 0.6) writer.touch(uid, clock.now());
        else if (kind < 0.9) writer.touchIfNewer(uid, clock.now() - Math.floor(rand() * WRITE_SECONDS * 1000));
        else writer.touch(uid, clock.now() - 1000);
      }
      if (rand() < 0.05) {
        // Hiding through this process: the relay asks for the row again.
        const uid = pick(uids);
        store.setHidden(uid, rand() < 0.6);
        online.recheck(uid);
      }
    }
    // The workload really moved people in and out.
    expect(transitions).toBeGreaterThan(100);
  });

  it('reads only the rows written since the previous step, plus the late-write overlap', () => {
    const clock = new FakeClock();
    const { store } = twoWriters();
    const read: number[] = [];
    const counting = {
      ...store,
      recentlySeen: (cutoff: number) => {
        const rows = store.recentlySeen(cutoff);
        read.push(rows.length);
        return rows;
      },
    };
    for (let i = 0; i < 500; i++) store.touch(`u${i}`, clock.now() - 40_000);
    const online = new OnlineSet({
      store: counting,
      window: DEFAULT_WINDOW,
      now: clock.now,
      monotonic: clock.monotonic,
      writeSeconds: WRITE_SECONDS,
    });
    expect(online.step().entered).toHaveLength(500);
    clock.advance(1);
    store.touch('u1', clock.now());
    expect(online.step()).toEqual({ entered: [], left: [] });
    // 500 online, but only the one row inside the band (written 40 s ago is outside it) was read.
    expect(read).toEqual([500, 1]);
  });
});
