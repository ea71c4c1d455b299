import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW, liveStateAt, type LiveState, type Uid } from '@presence-kit/core';
import { FakeClock, seededRandom } from '../../../test/support/index.js';
import type { SeenUser, StoredUser } from '../src/last-seen-store.js';
import { OnlineSet } from '../src/online-set.js';
import type { PageRow } from '../src/pages-table.js';

// The incremental online set, with open pages and idle, against the rule applied to everyone
// at every step: the same states, step by step, while it reads only what changed.

const WRITE_MS = 30_000;

/** Activity and open pages in memory, with when each page row was written (what a step reads from). */
class Facts {
  seen = new Map<Uid, number>();
  pages = new Map<Uid, { until: number; written: number }>();
  reads = 0;
  recentlySeen = (cutoff: number): SeenUser[] => {
    const rows = [...this.seen].filter(([, at]) => at >= cutoff);
    this.reads += rows.length;
    return rows.map(([uid, lastSeen]) => ({ uid, lastSeen, hidden: false }));
  };
  users = (uids: readonly Uid[]): Map<Uid, StoredUser> => {
    const found = new Map<Uid, StoredUser>();
    for (const uid of uids) {
      const lastSeen = this.seen.get(uid);
      if (lastSeen !== undefined) found.set(uid, { uid, name: uid, avatar: null, lastSeen, hidden: false });
    }
    return found;
  };
  changedSince = (cutoff: number): PageRow[] => {
    const rows = [...this.pages].filter(([, row]) => row.written >= cutoff);
    this.reads += rows.length;
    return rows.map(([uid, row]) => [uid, row.until]);
  };
}

describe('the online set with open pages', () => {
  it.each([
    [1, null],
    [2, null],
    [3, 120],
    [4, 120],
    [5, 45],
  ])('gives every step the states the rule gives everyone (seed %i, idleSeconds %s)', (seed, idleSeconds) => {
    const rand = seededRandom(seed);
    const clock = new FakeClock();
    const start = clock.now();
    const facts = new Facts();
    const online = new OnlineSet({
      store: facts,
      pages: facts,
      window: DEFAULT_WINDOW,
      now: clock.now,
      monotonic: clock.monotonic,
      writeSeconds: WRITE_MS / 1000,
      idleSeconds,
    });
    const uids = Array.from({ length: 40 }, (_, i) => `u${i}`);
    const open = new Set<Uid>();
    let lastRefresh = start;
    const shown = new Map<Uid, LiveState>();
    const counts = { online: 0, idle: 0, offline: 0 };
    for (let second = 0; second < 1500; second++) {
      clock.advance(1);
      const now = clock.now();
      for (const uid of uids) {
        const r = rand();
        if (r < 0.01) facts.seen.set(uid, now);
        else if (r < 0.015 && !open.has(uid)) {
          open.add(uid);
          facts.pages.set(uid, { until: now + 2 * WRITE_MS, written: now });
        } else if (r < 0.02 && open.has(uid)) {
          open.delete(uid);
          facts.pages.set(uid, { until: now, written: now });
        }
      }
      // Open pages are written again once per write period, as OpenPages does.
      if (now - lastRefresh >= WRITE_MS) {
        lastRefresh = now;
        for (const uid of open) facts.pages.set(uid, { until: now + 2 * WRITE_MS, written: now });
      }
      online.step();
      // The rule for everyone, on the same timeline (no clock jumps here: wall time minus the start).
      for (const uid of uids) {
        const lastSeen = facts.seen.get(uid);
        const page = facts.pages.get(uid);
        const state = liveStateAt(
          shown.get(uid) ?? 'offline',
          { lastSeen: lastSeen === undefined ? null : lastSeen - start, pagesUntil: page ? page.until - start : null },
          now - start,
          DEFAULT_WINDOW,
          idleSeconds,
        );
        shown.set(uid, state);
        counts[state]++;
        const entry = online.get(uid);
        const theirs: LiveState = !entry ? 'offline' : entry.idle ? 'idle' : 'online';
        // One expect per mismatch only: 60,000 comparisons per seed.
        if (theirs !== state) expect(theirs, `${uid} at ${second} s`).toBe(state);
      }
    }
    // Every state was reached, and leaving early happened (idle only with idle on).
    expect(counts.online).toBeGreaterThan(0);
    expect(counts.idle > 0).toBe(idleSeconds !== null);
    // It read the rows written within the overlapping band (one write period and 2 s), not every row every step.
    expect(facts.reads).toBeLessThan(0.5 * 1500 * uids.length * 2);
  });
});
