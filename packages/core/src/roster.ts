/**
 * The roster: who is online, alphabetical. Frames carry entries as tuples (`RosterTuple`);
 * JSON endpoints and the elements' API use `RosterEntry`.
 */

import { secondsBefore, timeBefore } from './frames.js';
import type { RosterDeltaFrame, RosterWindowFrame, Uid } from './protocol.js';

/** A roster entry: roster members are online by definition. */
export interface RosterEntry {
  uid: Uid;
  name: string;
  avatar: string | null;
  /** Epoch ms of the last recorded activity. */
  last_seen: number;
}
export interface Roster {
  count: number;
  /** Alphabetical by name (then uid), so positions stay stable. */
  users: RosterEntry[];
}

/** `[uid, name, avatar | null, seconds before the frame's t]`. */
export type RosterTuple = [uid: Uid, name: string, avatar: string | null, ago: number];

// One collator for every comparison: building one per call (what localeCompare does) is
// most of the cost of sorting a large roster.
const collator = new Intl.Collator('en', { sensitivity: 'base' });

/** Orders roster entries the one way every view shows them: by name, case- and accent-insensitive, then uid. */
export function compareRosterEntries(a: RosterEntry, b: RosterEntry): number {
  return collator.compare(a.name, b.name) || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0);
}

export function encodeRosterEntry(entry: RosterEntry, t: number): RosterTuple {
  return [entry.uid, entry.name, entry.avatar, secondsBefore(t, entry.last_seen)];
}

export function decodeRosterEntry([uid, name, avatar, ago]: RosterTuple, t: number): RosterEntry {
  return { uid, name, avatar, last_seen: timeBefore(t, ago) };
}

/**
 * The window after one `roster` frame: a `users` frame replaces it; a delta removes
 * who left and adds who joined, in roster order. The count is the frame's.
 */
export function applyRosterFrame(window: readonly RosterEntry[], frame: RosterWindowFrame | RosterDeltaFrame): Roster {
  if ('users' in frame)
    return { count: frame.count, users: frame.users.map((tuple) => decodeRosterEntry(tuple, frame.t)) };
  const leaving = new Set(frame.leave ?? []);
  const users = window.filter((entry) => !leaving.has(entry.uid));
  for (const tuple of frame.join ?? []) users.push(decodeRosterEntry(tuple, frame.t));
  return { count: frame.count, users: users.sort(compareRosterEntries) };
}
