/**
 * Rooms (docs/PROTOCOL.md, "Rooms"): who is in one page or resource now, on the session's one
 * stream. Members are roster entries whose `last_seen` is when they entered the room, so a
 * room's window is ordered and encoded exactly as the roster's (`compareRosterEntries`,
 * `RosterTuple`); per-viewer state and typing ride beside it.
 */

import { decodeRosterEntry, compareRosterEntries, type RosterEntry, type RosterTuple } from './roster.js';
import type { Uid } from './protocol.js';

export type RoomName = string;

/** The SSE event every room frame is sent as. Room frames carry no `id:`: a new session enters its rooms again. */
export const ROOM_EVENT = 'room';

/**
 * Room names use the uid's characters, up to 128 of them, so two ids fit (`org:<uuid>:doc:<uuid>` is 81):
 * `doc:42`, `chat_room:7`.
 */
export const ROOM_PATTERN = /^[A-Za-z0-9_.:@-]{1,128}$/;
/** The rule in words, for every message that refuses a name. */
export const ROOM_NAME_RULE = '1-128 letters, digits or _ . : @ -';

export function isValidRoom(value: unknown): boolean {
  return typeof value === 'string' && ROOM_PATTERN.test(value);
}

/** Rooms one session may be in or watch at once unless the server says otherwise. */
export const DEFAULT_MAX_ROOMS_PER_SESSION = 16;
/** How long a member whose last page in the room closed stays in it (a reload never crosses it). */
export const DEFAULT_ROOM_GRACE_SECONDS = 30;
/** The most bytes one person's state in one room may take, as JSON. */
export const MAX_ROOM_STATE_BYTES = 1024;
/** How long a typing signal holds on the receiver unless another one follows. */
export const DEFAULT_TYPING_SECONDS = 5;

/** A small JSON object per person per room (colour, status text, selection…). */
export type RoomState = Record<string, unknown>;

/** The room part of a subscription change: room → `{max}` to enter or resize (`{}`: everyone), null to leave. */
export type RoomsSubscription = Record<RoomName, { max?: number } | null>;

/** The room's window, sent to a session when it enters the room or changes its size. */
export interface RoomWindowFrame {
  t: number;
  room: RoomName;
  /** Everyone in the room, not only the window. */
  count: number;
  users: RosterTuple[];
  /** The state of the window's members who set one. */
  state?: Record<Uid, RoomState>;
  /** Members typing now → seconds their signal still holds. */
  typing?: Record<Uid, number>;
  /** The session's own user, when a member: their page marks them and fires no event for their own join. */
  me?: Uid;
}

/** What changed in one room in one tick, for one window size (the count may change alone). */
export interface RoomDeltaFrame {
  t: number;
  room: RoomName;
  count: number;
  join?: RosterTuple[];
  leave?: Uid[];
  /** New state of window members (null: cleared). */
  state?: Record<Uid, RoomState | null>;
  /** Typing signals this tick → seconds they hold (0: stopped). */
  typing?: Record<Uid, number>;
}

export type RoomFrame = RoomWindowFrame | RoomDeltaFrame;

/** One member as a viewer holds it. */
export interface RoomMember extends RosterEntry {
  state: RoomState | null;
}

/** A room as a viewer holds it: the window, the count, who types until when (epoch ms, server clock). */
export interface RoomView {
  room: RoomName;
  count: number;
  members: RoomMember[];
  typing: Map<Uid, number>;
  me: Uid | null;
}

/** `POST {base}/room-state`: set (or clear, with null) the signed-in user's state in a room they are in. */
export interface RoomStateRequest {
  room: RoomName;
  state: RoomState | null;
}
/** `POST {base}/room-typing`: true on input (debounced by the sender), false when the message is sent. */
export interface RoomTypingRequest {
  room: RoomName;
  typing: boolean;
}

/** `GET {base}/rooms/:room`, and `presence.roomMembers(room)`. */
export interface RoomResponse {
  t: number;
  room: RoomName;
  count: number;
  users: Array<{ uid: Uid; name: string; avatar: string | null; since: number; state: RoomState | null }>;
}

/** The bytes a state takes on the wire, for the one size cap both sides apply. */
export function roomStateBytes(state: RoomState | null): number {
  // UTF-8 length, counted by hand: core runs with neither DOM nor Node APIs.
  const text = JSON.stringify(state);
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code < 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** A plain JSON object (not an array, not null): the only shape a room state may take. */
export function isRoomState(value: unknown): value is RoomState {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The room after one frame: a window frame replaces it; a delta removes who left, adds who
 * joined in roster order, updates states and typing. Typing is held until `t + seconds`.
 */
export function applyRoomFrame(view: RoomView | null, frame: RoomFrame): RoomView {
  const typing = new Map<Uid, number>('users' in frame ? [] : (view?.typing ?? []));
  for (const [uid, seconds] of Object.entries(frame.typing ?? {})) {
    if (seconds > 0) typing.set(uid, frame.t + seconds * 1000);
    else typing.delete(uid);
  }
  if ('users' in frame) {
    const states = frame.state ?? {};
    const members = frame.users.map((tuple) =>
      member(tuple, frame.t, Object.prototype.hasOwnProperty.call(states, tuple[0]) ? states[tuple[0]]! : null),
    );
    return { room: frame.room, count: frame.count, members, typing, me: frame.me ?? null };
  }
  // A join the viewer already shows (it entered between two ticks) replaces it rather than doubling it.
  const leaving = new Set([...(frame.leave ?? []), ...(frame.join ?? []).map((tuple) => tuple[0])]);
  for (const uid of frame.leave ?? []) typing.delete(uid);
  const states = frame.state ?? {};
  // Own keys only: a uid such as `constructor` is data, never something inherited.
  const stateOf = (uid: Uid) => (Object.prototype.hasOwnProperty.call(states, uid) ? (states[uid] ?? null) : undefined);
  const members = (view?.members ?? [])
    .filter((m) => !leaving.has(m.uid))
    .map((m) => {
      const state = stateOf(m.uid);
      return state === undefined ? m : { ...m, state };
    });
  for (const tuple of frame.join ?? []) members.push(member(tuple, frame.t, stateOf(tuple[0]) ?? null));
  members.sort(compareRosterEntries);
  return { room: frame.room, count: frame.count, members, typing, me: view?.me ?? null };
}

function member(tuple: RosterTuple, t: number, state: RoomState | null): RoomMember {
  return { ...decodeRosterEntry(tuple, t), state };
}
