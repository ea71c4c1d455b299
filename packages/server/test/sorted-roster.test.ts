import { describe, expect, it } from 'vitest';
import type { RosterEntry } from '@presence-kit/core';
import { compareByLocaleCompare, seededRandom } from '../../../test/support/index.js';
import { SortedRoster } from '../src/sorted-roster.js';

describe('the sorted roster', () => {
  it('stays in exactly the order a full sort gives, through joins, leaves, renames and updates, one at a time and in batches', () => {
    const rand = seededRandom(12);
    const names = ['ada', 'Ada', 'Åda', 'bob', 'Bob', 'Zoë', 'zoe', 'émile', 'Emile', 'carol', '', 'ada lovelace'];
    const roster = new SortedRoster();
    const all = new Map<string, RosterEntry>();
    for (let i = 0; i < 3000; i++) {
      // Mostly one change at a time; sometimes a batch big enough to be merged rather than spliced.
      const batch = rand() < 0.1 ? 1 + Math.floor(rand() * 60) : 1;
      const removals: string[] = [];
      const entries = new Map<string, RosterEntry>();
      for (let b = 0; b < batch; b++) {
        const uid = `u${Math.floor(rand() * 300)}`;
        if (all.has(uid) && rand() < 0.4 && !entries.has(uid)) {
          removals.push(uid);
          all.delete(uid);
        } else {
          // A join, or an online user's new last_seen, avatar or name.
          const entry = {
            uid,
            name: names[Math.floor(rand() * names.length)]!,
            avatar: rand() < 0.5 ? null : `/a/${uid}`,
            last_seen: i,
          };
          entries.set(uid, entry);
          all.set(uid, entry);
        }
      }
      if (batch === 1 && entries.size === 1) roster.set([...entries.values()][0]!);
      else roster.apply([...entries.values()], removals);
      for (const uid of removals) expect(roster.has(uid)).toBe(entries.has(uid));
      if (i % 50 === 0) expect(roster.entries).toEqual([...all.values()].sort(compareByLocaleCompare));
    }
    expect(roster.entries).toEqual([...all.values()].sort(compareByLocaleCompare));
    expect(roster.size).toBe(all.size);
    for (const [uid, entry] of all) expect(roster.get(uid)).toBe(entry);
  });

  it('never changes who is in an array it handed out, or their order: the next change builds a new one', () => {
    const rand = seededRandom(5);
    const roster = new SortedRoster();
    const handedOut: { array: readonly RosterEntry[]; uids: string[] }[] = [];
    for (let i = 0; i < 500; i++) {
      const uid = `u${Math.floor(rand() * 100)}`;
      if (roster.has(uid) && rand() < 0.4) roster.apply([], [uid]);
      else roster.set({ uid, name: `n${Math.floor(rand() * 50)}`, avatar: null, last_seen: i });
      if (rand() < 0.3) {
        const array = roster.entries;
        handedOut.push({ array, uids: array.map((e) => e.uid) });
      }
    }
    expect(handedOut.length).toBeGreaterThan(100);
    for (const { array, uids } of handedOut) expect(array.map((e) => e.uid)).toEqual(uids);
  });
});
