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

/**
 * Each printable ASCII character's rank in the collator's own order (equal at base strength,
 * like `a` and `A`, share one), found by sorting them with it once. Names made only of these
 * compare as their rank sequences, exactly as the collator compares them (no ASCII character
 * is ignorable, expands or contracts in this order), at a fraction of the cost: the roster's
 * binary searches compare names thousands of times a tick.
 */
const ASCII_RANKS = ((): Uint8Array => {
  const ranks = new Uint8Array(128);
  const chars = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).sort(collator.compare);
  let rank = 0;
  chars.forEach((char, i) => {
    if (i > 0 && collator.compare(chars[i - 1]!, char) !== 0) rank++;
    ranks[char.charCodeAt(0)] = rank + 1;
  });
  return ranks;
})();

/** The collator's comparison of two names, on the rank table when both are printable ASCII. */
function compareNames(a: string, b: string): number {
  if (a === b) return 0;
  let first = 0;
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    // charCodeAt past the end is NaN, whose rank is undefined: a string's end ranks 0, below every character.
    const x = i < a.length ? ASCII_RANKS[a.charCodeAt(i)] : 0;
    const y = i < b.length ? ASCII_RANKS[b.charCodeAt(i)] : 0;
    // Outside printable ASCII (accents, other scripts, control characters): the collator decides.
    if (x === undefined || y === undefined || (x === 0 && i < a.length) || (y === 0 && i < b.length))
      return collator.compare(a, b);
    if (first === 0 && x !== y) first = x - y;
  }
  return Math.sign(first);
}

/** Orders roster entries the one way every view shows them: by name, case- and accent-insensitive, then uid. */
export function compareRosterEntries(a: RosterEntry, b: RosterEntry): number {
  return compareNames(a.name, b.name) || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0);
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
