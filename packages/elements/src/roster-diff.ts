import type { RosterEntry } from '@presence-kit/core';

/** Who differs between two rosters, in each roster's own order. */
export interface RosterDiff {
  joined: RosterEntry[];
  left: RosterEntry[];
}

/**
 * The one roster diff: the store's `onJoin`/`onLeave` and `<online-now>`'s events both
 * come from it, so a listener and the element never disagree about who came and went.
 */
export function diffRoster(before: readonly RosterEntry[], after: readonly RosterEntry[]): RosterDiff {
  const had = new Set(before.map((entry) => entry.uid));
  const has = new Set(after.map((entry) => entry.uid));
  return {
    joined: after.filter((entry) => !had.has(entry.uid)),
    left: before.filter((entry) => !has.has(entry.uid)),
  };
}
