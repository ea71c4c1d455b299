import type { Context } from 'hono';
import { isValidRoom, ROOM_NAME_RULE, type RoomName } from '@presence-kit/core';
import type { PresenceEngine } from '../engine.js';
import { errorResponse } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import type { Session, WindowSize } from '../sessions.js';
import type { Refusal } from '../subscribe.js';
import type { MemberProfile, Rooms } from './rooms.js';

/** The rooms a subscription change enters (with their window size) or leaves (null). */
export type RoomChanges = ReadonlyMap<RoomName, WindowSize | null>;

type Parsed =
  { ok: true; rooms: RoomChanges } | { ok: false; code: 'invalid_body' | 'unknown_parameter'; message: string };

const SHAPE = '`rooms` must be an object like {"doc:42": {"max": 12}, "doc:43": null}';

const shownRoom = (name: string) => (name.length > 40 ? `${name.slice(0, 40)}…` : name);

/** The one refusal of a room name the rule does not allow, whichever route it came to. */
export const invalidRoomMessage = (name: string): string =>
  `"${shownRoom(name)}" is not a valid room name: use ${ROOM_NAME_RULE}, like "doc:42".`;

/** Checks the `rooms` field of a subscription change: valid names, each `{}` / `{"max": N}` to enter, null to leave. */
export function parseRooms(value: unknown): Parsed {
  const rooms = new Map<RoomName, WindowSize | null>();
  if (value === undefined) return { ok: true, rooms };
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, code: 'invalid_body', message: `${SHAPE}.` };
  for (const [name, window] of Object.entries(value as Record<string, unknown>)) {
    const shown = shownRoom(name);
    if (!isValidRoom(name)) return { ok: false, code: 'invalid_body', message: invalidRoomMessage(name) };
    if (window === null) {
      rooms.set(name, null);
      continue;
    }
    if (typeof window !== 'object' || Array.isArray(window))
      return { ok: false, code: 'invalid_body', message: `${SHAPE}; room "${shown}" is neither.` };
    const extra = Object.keys(window).find((key) => key !== 'max');
    if (extra !== undefined)
      return {
        ok: false,
        code: 'unknown_parameter',
        message: `Unknown field \`${extra.slice(0, 40)}\` for room "${shown}"; a room takes only \`max\`.`,
      };
    const max = (window as { max?: unknown }).max;
    if (max !== undefined && !(Number.isInteger(max) && (max as number) >= 1))
      return {
        ok: false,
        code: 'invalid_body',
        message: `\`max\` of room "${shown}" must be a whole number of at least 1; leave it out for everyone.`,
      };
    rooms.set(name, (max as number | undefined) ?? Infinity);
  }
  return { ok: true, rooms };
}

/**
 * The room part of a change, before anything is applied: the session's rooms stay within `maxRoomsPerSession`, and the host's `authorizeRoom` lets the
 * viewer into every room it enters. Null when all is well.
 */
export async function checkRooms(
  c: Context,
  o: ResolvedOptions,
  session: Session | undefined,
  rooms: RoomChanges,
): Promise<Response | null> {
  if (rooms.size === 0) return null;
  const tooMany = tooManyRooms(o, session, rooms);
  if (tooMany) return errorResponse(c, tooMany.status, tooMany.code, tooMany.message);
  for (const [name, size] of rooms) {
    if (size === null || session?.rooms.has(name)) continue;
    const refused = await checkRoomAllowed(c, o, name);
    if (refused) return refused;
  }
  return null;
}

/** The session would be in more than `maxRoomsPerSession` rooms (checked again by the node holding it, on Redis). */
export function tooManyRooms(
  o: Pick<ResolvedOptions, 'maxRoomsPerSession'>,
  session: Session | undefined,
  rooms: RoomChanges,
): Refusal | null {
  const after = new Set(session?.rooms.keys() ?? []);
  for (const [name, size] of rooms) {
    if (size === null) after.delete(name);
    else after.add(name);
  }
  if (after.size <= o.maxRoomsPerSession) return null;
  return {
    status: 413,
    code: 'too_many_rooms',
    message: `This change would put the session in ${after.size} rooms but a session may be in at most ${o.maxRoomsPerSession}; leave some first.`,
  };
}

/** The host's `authorizeRoom` for one room: 403 naming it, or null when the viewer may enter and watch it. */
export async function checkRoomAllowed(c: Context, o: ResolvedOptions, room: RoomName): Promise<Response | null> {
  if (!o.authorizeRoom || (await o.authorizeRoom(c, room))) return null;
  return errorResponse(c, 403, 'forbidden', `You may not enter room "${room}"; ask only for rooms you can see.`);
}

/** The session's user's name and avatar, read before the change is applied (null for a guest, who only watches). */
export async function memberProfile(
  engine: Pick<PresenceEngine, 'users'>,
  session: Session | undefined,
  rooms: RoomChanges,
): Promise<MemberProfile | null> {
  const user = session?.user ?? null;
  if (user === null || ![...rooms.values()].some((size) => size !== null)) return null;
  const stored = (await engine.users([user])).get(user);
  return { name: stored?.name || user, avatar: stored?.avatar ?? null };
}

/** Enters and leaves the rooms of a change, after its uids were applied. */
export function applyRooms(rooms: Rooms, session: Session, changes: RoomChanges, profile: MemberProfile | null): void {
  for (const [name, size] of changes) {
    if (size === null) rooms.leave(session, name);
    else if (session.rooms.get(name) !== size) rooms.enter(session, name, size, profile);
  }
}
