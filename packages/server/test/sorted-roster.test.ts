import { describe, expect, it } from 'vitest';
import type { RosterEntry } from '@presence-kit/core';
import { compareByLocaleCompare, seededRandom } from '../../../test/support/index.js';
import { SortedRoster } from '../src/sorted-roster.js';

describe('the sorted roster', () => {
  it('stays in exactly the order a full sort gives, through joins, leaves, renames and updates', () => {
    const rand = seededRandom(12);
    const names = ['ada', 'Ada', 'Åda', 'bob', 'Bob', 'Zoë', 'zoe', 'émile', 'Emile', 'carol', '', 'ada lovelace'];
    const roster = new SortedRoster();
    const all = new Map<string, RosterEntry>();
    for (let i = 0; i < 3000; i++) {
      const uid = `u${Math.floor(rand() * 300)}`;
      if (all.has(uid) && rand() < 0.4) {
        expect(roster.delete(uid)).toBe(all.get(uid));
        all.delete(uid);
      } else {
        // A join, or an online user's new last_seen, avatar or name.
        const entry = { uid, name: names[Math.floor(rand() * names.length)]!, avatar: rand() < 0.5 ? null : `/a/${uid}`, last_seen: i };
        roster.set(entry);
        all.set(uid, entry);
      }
      if (i % 50 === 0) expect(roster.entries).toEqual([...all.values()].sort(compareByLocaleCompare));
    }
    expect(roster.entries).toEqual([...all.values()].sort(compareByLocaleCompare));
    expect(roster.size).toBe(all.size);
    expect(roster.delete('nobody')).toBeUndefined();
  });
});
