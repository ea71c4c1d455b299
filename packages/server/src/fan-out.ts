import {
  EVENT,
  encodeRosterEntry,
  encodeStatuses,
  type Roster,
  type RosterDeltaFrame,
  type RosterEntry,
  type RosterWindowFrame,
  type Uid,
  type UserStatus,
} from '@presence-kit/core';
import type { Session, Sessions, WindowSize } from './sessions.js';
import { sseFrame } from './sse-frame.js';

const encoder = new TextEncoder();

/** One SSE event as bytes, encoded once for every session it goes to. */
export function eventBytes(event: string, id: string, data: unknown): Uint8Array {
  return encoder.encode(sseFrame({ event, id, data: JSON.stringify(data) }));
}

/**
 * Sends every session the flips it watches, as one `presence` frame per tick. A frame is
 * built and encoded once per distinct set of flipped uids: 10,000 watchers of one uid
 * share one buffer. Returns how many frames were sent.
 */
export function fanOutPresence(sessions: Sessions, flips: ReadonlyMap<Uid, UserStatus>, t: number, id: string): number {
  const changes = new Map<Session, Uid[]>();
  for (const uid of flips.keys()) {
    for (const session of sessions.watchersOf(uid) ?? []) {
      const uids = changes.get(session);
      if (uids) uids.push(uid);
      else changes.set(session, [uid]);
    }
  }
  const frames = new Map<string, Uint8Array>();
  for (const [session, uids] of changes) {
    const key = uids.join(',');
    let frame = frames.get(key);
    if (!frame)
      frames.set(
        key,
        (frame = eventBytes(
          EVENT.presence,
          id,
          encodeStatuses(
            t,
            uids.map((uid) => [uid, flips.get(uid)!]),
          ),
        )),
      );
    session.connection.write(frame);
  }
  return changes.size;
}

/** The roster before and after one tick, and who entered and left the online set. */
export interface RosterChange {
  previous: readonly RosterEntry[];
  next: Roster;
  joined: readonly RosterEntry[];
  left: readonly Uid[];
  /** Present before and after, in a new state (online ↔ idle): a `join` replacing their entry where the window shows them. */
  restated?: readonly RosterEntry[];
}

/**
 * Sends every roster watcher what changed inside its window, computed and encoded once
 * per distinct window size. Nothing goes to a window whose people and count are the same.
 */
export function fanOutRoster(sessions: Sessions, change: RosterChange, t: number, id: string): void {
  for (const [size, watchers] of sessions.rosterWindows()) {
    const delta = windowDelta(change, size, t);
    if (!delta) continue;
    const frame = eventBytes(EVENT.roster, id, delta);
    for (const session of watchers) session.connection.write(frame);
  }
}

/** The first `size` people of the roster (everyone for `Infinity`), and the count. */
export function windowFrame(roster: Roster, size: WindowSize, t: number): RosterWindowFrame {
  return { t, count: roster.count, users: roster.users.slice(0, size).map((entry) => encodeRosterEntry(entry, t)) };
}

function windowDelta(
  { previous, next, joined, left, restated = [] }: RosterChange,
  size: WindowSize,
  t: number,
): RosterDeltaFrame | null {
  const frame: RosterDeltaFrame = { t, count: next.count };
  let join: readonly RosterEntry[] = joined;
  let leave: readonly Uid[] = left;
  // A window that held and holds everyone changes by exactly the tick's joins and leaves:
  // no need to look at the (possibly long) lists themselves.
  if (size < previous.length || size < next.users.length) {
    const before = new Set(previous.slice(0, size).map((entry) => entry.uid));
    const after = next.users.slice(0, size);
    const now = new Set(after.map((entry) => entry.uid));
    join = after.filter((entry) => !before.has(entry.uid));
    leave = [...before].filter((uid) => !now.has(uid));
    if (restated.length > 0)
      join = [...join, ...restated.filter((entry) => before.has(entry.uid) && now.has(entry.uid))];
  } else if (restated.length > 0) join = [...joined, ...restated];
  if (join.length > 0) frame.join = join.map((entry) => encodeRosterEntry(entry, t));
  if (leave.length > 0) frame.leave = [...leave];
  return join.length > 0 || leave.length > 0 || next.count !== previous.length ? frame : null;
}
