/**
 * The wire protocol shared by the server and the browser, version 2 (docs/PROTOCOL.md):
 * one stream per browser session, a subscription changed in place by `POST /subscribe`,
 * compact frames (`frames.ts` encodes and decodes them). The JSON endpoints (`/status`,
 * `/roster`) keep the readable `{ online, last_seen }` shape; their times are epoch ms.
 */

import type { RosterEntry, RosterTuple } from './roster.js';
import type { RoomsSubscription } from './rooms.js';

export type Uid = string;

/** Uids are short opaque ids: letters, digits and `_ . : @ -`, 1–64 characters. */
export const UID_PATTERN = /^[A-Za-z0-9_.:@-]{1,64}$/;

/** The one uid rule: every endpoint, the activity middleware and the browser apply it. */
export function isValidUid(value: unknown): boolean {
  return typeof value === 'string' && UID_PATTERN.test(value);
}
/** How many uids one session or bulk request may watch unless the server says otherwise. */
export const DEFAULT_MAX_UIDS = 1000;

/** The stream protocol both sides speak; the stream is opened with `?v=2`. */
export const PROTOCOL_VERSION = 2;

/** One user's status, the same in every endpoint; frames carry it compactly (`encodeStatuses`). */
export interface UserStatus {
  /** Present: active recently, or (idle) with a page open. */
  online: boolean;
  /** Epoch ms of the last recorded activity; null when never seen (or hidden). */
  last_seen: number | null;
  /**
   * Present but idle: a page of theirs is open and they have not interacted for the server's
   * `idleSeconds`. Only a server with idle on sends it, always with `online: true`, so a client
   * that does not know idle shows them online.
   */
  idle?: true;
}

/** The three states a person is in; `online: false` is offline, `idle` marks a present person idle. */
export type LiveState = 'online' | 'idle' | 'offline';

/** A status's state: offline, idle (present, no interaction) or online (active). */
export function liveStateOf(status: { online: boolean; idle?: boolean | undefined }): LiveState {
  return !status.online ? 'offline' : status.idle ? 'idle' : 'online';
}
export type StatusMap = Record<Uid, UserStatus>;

/** SSE event names. */
export const EVENT = {
  /** First frame of every stream: the session id, the server's clock, window and epoch. */
  hello: 'hello',
  /** The status of the uids one subscription change added. */
  snapshot: 'snapshot',
  /** Only the watched uids whose online flag flipped in one relay tick. */
  presence: 'presence',
  /** The roster window (`users`), or what changed inside it (`join`, `leave`) in one tick. */
  roster: 'roster',
} as const;

export interface HelloFrame {
  v: typeof PROTOCOL_VERSION;
  /** The session id: holding it is what lets a client change this stream's subscription. */
  sid: string;
  /** The server's clock, epoch ms. */
  t: number;
  /** `[timeoutSeconds, marginSeconds]`: what a client applies while no stream vouches. */
  window: [number, number];
  /** Names this server process's life: sequence numbers only compare within one epoch. */
  epoch: string;
  /**
   * The server's write period in seconds: a page reports its activity (`POST {base}/activity`)
   * at most this often. Absent from an older server: the client uses half the window's timeout.
   */
  write?: number;
  /** `idleSeconds` when the server tells idle from online (idle on); absent when it does not. */
  idle?: number;
}

/**
 * Statuses without a field name per uid; times are whole seconds before `t`. Empty
 * fields are left out: a resume where nothing changed is `{"t":…}`.
 */
export interface StatusFrame {
  t: number;
  /** Online uids. */
  on?: Uid[];
  /** Offline uids → seconds since their last activity. */
  off?: Record<Uid, number>;
  /** Never seen, or hidden. */
  never?: Uid[];
  /** Present but idle (idle on only) → seconds since their last activity. */
  idle?: Record<Uid, number>;
}

/** The roster window, sent when a subscription starts watching it or changes its size. */
export interface RosterWindowFrame {
  t: number;
  /** Everyone online, not only the window. */
  count: number;
  users: RosterTuple[];
}
/** What changed inside a roster window in one tick (the count may change alone). */
export interface RosterDeltaFrame {
  t: number;
  count: number;
  /**
   * Entered the window (came online, or moved up into it). An entry for someone already in the
   * window replaces theirs: their state changed (idle ↔ online, idle on only).
   */
  join?: RosterTuple[];
  /** Left the window (went offline, or pushed out of it). */
  leave?: Uid[];
}

/** The roster part of a subscription: the first `max` people (all of them without `max`) and the count. */
export interface RosterSubscription {
  max?: number;
  /** The client holds this window as of `since`: the server sends it only if the roster changed after. */
  known?: boolean;
}

/** `POST {base}/subscribe`: every field but `sid` is optional. */
export interface SubscribeRequest {
  sid: string;
  add?: Uid[];
  remove?: Uid[];
  /** Start watching or resize the window; `null` stops watching it. */
  roster?: RosterSubscription | null;
  /** Added uids whose status the client holds as of `since`: sent only if they flipped after. */
  known?: Uid[];
  /** The `epoch:seq` of the last frame the client saw (its SSE last event id). */
  since?: string;
  /** Rooms to enter (`{}` or `{"max": N}`) or leave (null): docs/PROTOCOL.md, "Rooms". */
  rooms?: RoomsSubscription;
}
export interface SubscribeResponse {
  t: number;
  /** How many uids the session watches after the change. */
  watching: number;
}

/** `GET /status` and `POST /status`, for JSON clients. */
export interface BulkResponse {
  t: number;
  users: StatusMap;
}
/** `GET /roster[?max=&offset=]`, for JSON clients and hosts that show everyone. */
export interface RosterResponse {
  t: number;
  count: number;
  users: RosterEntry[];
}

export type ErrorCode =
  | 'invalid_uid'
  | 'too_many_uids'
  | 'unknown_parameter'
  | 'invalid_body'
  | 'payload_too_large'
  | 'forbidden'
  | 'too_many_streams'
  | 'protocol_mismatch'
  | 'unknown_session'
  | 'not_found'
  | 'method_not_allowed'
  | 'unavailable'
  | 'not_supported'
  | 'too_many_rooms'
  | 'internal';

/** Every 4xx/5xx body: a stable code for programs, one sentence for people. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export type UidListResult = { ok: true; uids: Uid[] } | { ok: false; code: ErrorCode; message: string };

/**
 * Validates a list of uids (from `a,b,c` text or a JSON array): every item must be a
 * uid, the list no longer than `maxUids`. Duplicates collapse; order is kept.
 */
export function parseUidList(input: string | readonly unknown[] | null | undefined, maxUids: number): UidListResult {
  if (input == null || input === '') return { ok: true, uids: [] };
  const items: readonly unknown[] = typeof input === 'string' ? input.split(',') : input;
  // Checked before the work of validating, so a huge list costs nothing.
  if (items.length > maxUids) return tooMany(items.length, maxUids);
  const seen = new Set<Uid>();
  for (const item of items) {
    if (typeof item !== 'string' && typeof item !== 'number') {
      return {
        ok: false,
        code: 'invalid_uid',
        message: 'Every uid must be a string or a number; send a list like "1,2,3".',
      };
    }
    const uid = String(item).trim();
    if (!isValidUid(uid)) {
      const shown = uid.length > 20 ? `${uid.slice(0, 20)}…` : uid;
      return {
        ok: false,
        code: 'invalid_uid',
        message: `"${shown}" is not a valid uid: use 1-64 letters, digits or _ . : @ - separated by commas.`,
      };
    }
    seen.add(uid);
  }
  return seen.size > maxUids ? tooMany(seen.size, maxUids) : { ok: true, uids: [...seen] };
}

function tooMany(count: number, max: number): UidListResult {
  return {
    ok: false,
    code: 'too_many_uids',
    message: `${count} uids requested but at most ${max} are allowed per request; split the list.`,
  };
}
