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
  /** Present but idle (a server with idle on): shown dimmed, or left out with `hide-idle`. */
  idle?: true;
}
export interface Roster {
  count: number;
  /** Alphabetical by name (then uid), so positions stay stable. */
  users: RosterEntry[];
}

/** `[uid, name, avatar | null, seconds before the frame's t]`, and a fifth `1` for someone idle. */
export type RosterTuple =
  | [uid: Uid, name: string, avatar: string | null, ago: number]
  | [uid: Uid, name: string, avatar: string | null, ago: number, idle: 1];

// One collator for every comparison: building one per call (what localeCompare does) is
// most of the cost of sorting a large roster.
const collator = new Intl.Collator('en', { sensitivity: 'base' });

/** Orders roster entries the one way every view shows them: by name, case- and accent-insensitive, then uid. */
export function compareRosterEntries(a: RosterEntry, b: RosterEntry): number {
  return collator.compare(a.name, b.name) || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0);
}

export function encodeRosterEntry(entry: RosterEntry, t: number): RosterTuple {
  const ago = secondsBefore(t, entry.last_seen);
  return entry.idle ? [entry.uid, entry.name, entry.avatar, ago, 1] : [entry.uid, entry.name, entry.avatar, ago];
}

export function decodeRosterEntry([uid, name, avatar, ago, idle]: RosterTuple, t: number): RosterEntry {
  const entry: RosterEntry = { uid, name, avatar, last_seen: timeBefore(t, ago) };
  if (idle === 1) entry.idle = true;
  return entry;
}

/**
 * The window after one `roster` frame: a `users` frame replaces it; a delta removes
 * who left and adds who joined (replacing the entry of someone already there: their state
 * changed), in roster order. The count is the frame's.
 */
export function applyRosterFrame(window: readonly RosterEntry[], frame: RosterWindowFrame | RosterDeltaFrame): Roster {
  if ('users' in frame)
    return { count: frame.count, users: frame.users.map((tuple) => decodeRosterEntry(tuple, frame.t)) };
  const leaving = new Set(frame.leave ?? []);
  for (const [uid] of frame.join ?? []) leaving.add(uid);
  const users = window.filter((entry) => !leaving.has(entry.uid));
  for (const tuple of frame.join ?? []) users.push(decodeRosterEntry(tuple, frame.t));
  return { count: frame.count, users: users.sort(compareRosterEntries) };
}
