import {
  EVENT,
  encodeStatuses,
  parsePosition,
  parseUidList,
  type ErrorCode,
  type StreamPosition,
  type SubscribeResponse,
  type Uid,
} from '@presence-kit/core';
import { eventBytes, windowFrame } from './fan-out.js';
import type { PresenceEngine } from './engine.js';
import type { StoredUser } from './last-seen-store.js';
import type { ResolvedOptions } from './options.js';
import type { Relay } from './relay.js';
import type { Session, WindowSize } from './sessions.js';
import { parseRooms, type RoomChanges } from './rooms/room-subscription.js';

/** A `POST /subscribe` body, checked. */
export interface SubscriptionChange {
  sid: string;
  add: Uid[];
  remove: Uid[];
  /** The roster window to watch; null stops watching it; undefined leaves it as it is. */
  roster: WindowSize | null | undefined;
  /** The client holds the roster window as of `since`. */
  rosterKnown: boolean;
  known: ReadonlySet<Uid>;
  since: StreamPosition | null;
  /** Rooms to enter (window size) or leave (null): `rooms/`. */
  rooms: RoomChanges;
}

export type Refusal = { status: 400 | 403 | 404 | 413 | 503; code: ErrorCode; message: string };
type Parsed = { ok: true; change: SubscriptionChange } | ({ ok: false } & Refusal);

const FIELDS = ['sid', 'add', 'remove', 'roster', 'known', 'since', 'rooms'];
const EXAMPLE = 'JSON like {"sid": "…", "add": ["1", "2"]}';

const invalid = (message: string): Parsed => ({ ok: false, status: 400, code: 'invalid_body', message });

/** Checks a subscription change: every field is known and well-formed, every list a list of uids. */
export function parseSubscription(body: unknown, maxUids: number): Parsed {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return invalid(`The body must be ${EXAMPLE}.`);
  const fields = body as Record<string, unknown>;
  const extra = Object.keys(fields).find((key) => !FIELDS.includes(key));
  if (extra !== undefined) {
    const shown = extra.length > 40 ? `${extra.slice(0, 40)}…` : extra;
    return {
      ok: false,
      status: 400,
      code: 'unknown_parameter',
      message: `Unknown field \`${shown}\`; expected only ${FIELDS.map((f) => `\`${f}\``).join(', ')}.`,
    };
  }
  if (typeof fields.sid !== 'string')
    return invalid(`\`sid\` must be the session id from the stream's hello frame, in ${EXAMPLE}.`);

  const lists: Record<'add' | 'remove' | 'known', Uid[]> = { add: [], remove: [], known: [] };
  for (const name of ['add', 'remove', 'known'] as const) {
    const value = fields[name];
    if (value === undefined) continue;
    if (!Array.isArray(value)) return invalid(`\`${name}\` must be a list of uids like ["1", "2"].`);
    const list = parseUidList(value, maxUids);
    if (!list.ok)
      return { ok: false, status: list.code === 'too_many_uids' ? 413 : 400, code: list.code, message: list.message };
    lists[name] = list.uids;
  }
  const adding = new Set(lists.add);
  const both = lists.remove.find((uid) => adding.has(uid));
  if (both !== undefined) return invalid(`uid "${both}" is both added and removed; send it in one of the two lists.`);
  const stray = lists.known.find((uid) => !adding.has(uid));
  if (stray !== undefined)
    return invalid(
      `\`known\` names uid "${stray}", which is not in \`add\`; list in \`known\` only uids you are adding.`,
    );

  const since = fields.since === undefined ? null : parsePosition(fields.since);
  if (fields.since !== undefined && since === null)
    return invalid('`since` must be an event id like "k2x9:41", as the stream sent it.');

  let roster: WindowSize | null | undefined;
  let rosterKnown = false;
  if (fields.roster === null) roster = null;
  else if (fields.roster !== undefined) {
    const window = fields.roster as Record<string, unknown>;
    if (
      typeof window !== 'object' ||
      Array.isArray(window) ||
      Object.keys(window).some((key) => key !== 'max' && key !== 'known')
    ) {
      return invalid(
        '`roster` must be {} for the whole roster, {"max": 12} for its first 12 people, or null to stop watching it.',
      );
    }
    if (window.max !== undefined && !(Number.isInteger(window.max) && (window.max as number) >= 1)) {
      return invalid('`roster.max` must be a whole number of at least 1; leave it out for the whole roster.');
    }
    if (window.known !== undefined && typeof window.known !== 'boolean')
      return invalid('`roster.known` must be true or false.');
    roster = (window.max as number | undefined) ?? Infinity;
    rosterKnown = window.known === true;
  }
  if ((lists.known.length > 0 || rosterKnown) && since === null) {
    return invalid('`known` needs `since`, the id of the last frame the client saw.');
  }
  const rooms = parseRooms(fields.rooms);
  if (!rooms.ok) return { ok: false, status: 400, code: rooms.code, message: rooms.message };
  return {
    ok: true,
    change: {
      rooms: rooms.rooms,
      sid: fields.sid,
      add: lists.add,
      remove: lists.remove,
      roster,
      rosterKnown,
      known: new Set(lists.known),
      since,
    },
  };
}

/**
 * Applies a change to a session in one synchronous step, so no tick falls between the
 * change and its frames: the snapshot of the uids it added (those `known` as of a
 * resumable `since` only if they flipped after) and, when the window changed, the roster
 * window. Both go down the stream before the answer is sent. `stored` holds the engine's
 * facts for the added uids, read before (on Redis, over the network): online flags come
 * from the relay's set at this very step, so a flip while they were read is not lost.
 */
export function applySubscription(
  relay: Relay,
  session: Session,
  change: SubscriptionChange,
  stored: ReadonlyMap<Uid, StoredUser>,
  maxUids: number,
  t: number,
): Refusal | SubscribeResponse {
  const added = change.add.filter((uid) => !session.uids.has(uid));
  const removed = change.remove.filter((uid) => session.uids.has(uid));
  const watching = session.uids.size - removed.length + added.length;
  if (watching > maxUids) {
    return {
      status: 413,
      code: 'too_many_uids',
      message: `This change would watch ${watching} uids but a session may watch at most ${maxUids}; remove some before adding more.`,
    };
  }
  relay.sessions.unwatch(session, removed);
  relay.sessions.watch(session, added);
  const since = relay.log.resumable(change.since) ? change.since : null;
  const id = relay.log.position;
  if (added.length > 0) {
    const unchanged = (uid: Uid) => since !== null && change.known.has(uid) && relay.log.unchangedSince(uid, since);
    const uids = added.filter((uid) => !unchanged(uid));
    const statuses = relay.statuses(uids, stored);
    session.connection.write(
      eventBytes(
        EVENT.snapshot,
        id,
        encodeStatuses(
          t,
          uids.map((uid) => [uid, statuses[uid]!]),
        ),
      ),
    );
  }
  if (change.roster !== undefined && change.roster !== session.roster) {
    relay.sessions.setRoster(session, change.roster);
    const unchanged = since !== null && change.rosterKnown && relay.log.nothingSince(since);
    if (change.roster !== null && !unchanged)
      session.connection.write(eventBytes(EVENT.roster, id, windowFrame(relay.roster(), change.roster, t)));
  }
  return { t, watching };
}

/**
 * Applies a change to a session this process holds: reads the stored facts for the added
 * uids, then applies it in one step. Null when the session has ended (its stream may close
 * while the host's authorize hook or the read runs).
 */
export async function subscribeHere(
  relay: Relay,
  engine: Pick<PresenceEngine, 'users'>,
  change: SubscriptionChange,
  o: Pick<ResolvedOptions, 'maxUids' | 'now'>,
): Promise<Refusal | SubscribeResponse | null> {
  if (!relay.sessions.get(change.sid)) return null;
  const stored = change.add.length > 0 ? await engine.users(change.add) : new Map<Uid, StoredUser>();
  const session = relay.sessions.get(change.sid);
  return session ? applySubscription(relay, session, change, stored, o.maxUids, o.now()) : null;
}
