/**
 * Encoding and decoding the compact frames of protocol version 2, the same on both sides:
 * statuses as lists instead of a field name per uid, and times as seconds before `t`.
 */

import type { StatusFrame, StatusMap, Uid, UserStatus } from './protocol.js';

/** Whole seconds from `at` to `t` (epoch ms), never negative: a frame never dates activity after itself. */
export function secondsBefore(t: number, at: number): number {
  return Math.max(0, Math.floor((t - at) / 1000));
}

/** The epoch ms a frame's `seconds before t` stands for. */
export function timeBefore(t: number, seconds: number): number {
  return t - seconds * 1000;
}

/** Statuses as a compact frame at server time `t`. */
export function encodeStatuses(t: number, statuses: Iterable<[Uid, UserStatus]>): StatusFrame {
  const on: Uid[] = [];
  const off: Record<Uid, number> = Object.create(null);
  const never: Uid[] = [];
  const idle: Record<Uid, number> = Object.create(null);
  let offline = false;
  let idling = false;
  for (const [uid, status] of statuses) {
    if (status.last_seen === null) never.push(uid);
    else if (status.online && status.idle) {
      idle[uid] = secondsBefore(t, status.last_seen);
      idling = true;
    } else if (status.online) on.push(uid);
    else {
      off[uid] = secondsBefore(t, status.last_seen);
      offline = true;
    }
  }
  const frame: StatusFrame = { t };
  if (on.length > 0) frame.on = on;
  if (offline) frame.off = off;
  if (never.length > 0) frame.never = never;
  if (idling) frame.idle = idle;
  return frame;
}

/**
 * A compact frame's statuses as `{ online, last_seen }` (a map with no prototype, so any
 * uid is an own key). A frame vouches only that an online uid was online at `t`, so that
 * is the `last_seen` it decodes to: a client's own fallback then never hides someone
 * sooner than the server would. An idle uid keeps its real last activity ("idle for 12m").
 */
export function decodeStatuses(frame: StatusFrame): StatusMap {
  const users: StatusMap = Object.create(null);
  for (const uid of frame.on ?? []) users[uid] = { online: true, last_seen: frame.t };
  for (const uid of Object.keys(frame.off ?? {}))
    users[uid] = { online: false, last_seen: timeBefore(frame.t, frame.off![uid]!) };
  for (const uid of frame.never ?? []) users[uid] = { online: false, last_seen: null };
  for (const uid of Object.keys(frame.idle ?? {}))
    users[uid] = { online: true, idle: true, last_seen: timeBefore(frame.t, frame.idle![uid]!) };
  return users;
}

/** A position in the server's stream of changes: `epoch:seq`, the SSE event id of every frame that carries state. */
export interface StreamPosition {
  epoch: string;
  seq: number;
}

export function formatPosition(position: StreamPosition): string {
  return `${position.epoch}:${position.seq}`;
}

/** `epoch:seq` back into its parts; null for anything else. */
export function parsePosition(text: unknown): StreamPosition | null {
  if (typeof text !== 'string') return null;
  const match = /^([A-Za-z0-9_-]{1,32}):(\d{1,15})$/.exec(text);
  return match ? { epoch: match[1]!, seq: Number(match[2]) } : null;
}
