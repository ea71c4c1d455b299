import type { Context } from 'hono';
import {
  DEFAULT_MAX_ROOMS_PER_SESSION,
  DEFAULT_MAX_UIDS,
  DEFAULT_ROOM_GRACE_SECONDS,
  DEFAULT_TYPING_SECONDS,
  defaultWriteSeconds,
  parseWindow,
  type RoomName,
  type Uid,
} from '@presence-kit/core';
import type { Database } from 'better-sqlite3';
import { checkTrustProxy, clientAddress, normalizedTrust, type TrustProxy } from './client-key.js';
import type { UsersTable } from './last-seen-store.js';
import type { RedisConfig } from './redis/redis-config.js';

export interface PresenceOptions {
  /** An open better-sqlite3 database (the host's), or a file path the kit opens itself. Required unless `redis` is set. */
  db?: Database | string;
  /**
   * Run on Redis instead of SQLite, so several nodes behind a load balancer act as one presence
   * server: a `redis://` URL, or `{ url, prefix, retainDays }`. Await `presence.ready` before
   * listening. `db` and `users` are then ignored (profiles live in Redis: `upsertUser`).
   */
  redis?: string | RedisConfig;
  /**
   * Who is making this request: a uid, or null/undefined for a guest. Called by the
   * activity middleware on every non-asset request. A value that is not a valid uid
   * (1-64 letters, digits or `_ . : @ -`, the rule every endpoint applies) is skipped and logged.
   */
  resolveUser?: (c: Context) => Uid | number | null | undefined | Promise<Uid | number | null | undefined>;
  /** Map presence onto the host's users table. Default: the kit's own `presence_users`. */
  users?: Partial<UsersTable>;
  /** Online window, > 0. Default env `PRESENCE_TIMEOUT_SECONDS`, else 60. */
  timeoutSeconds?: number;
  /** Hysteresis margin, >= 0 (0: none). Default env `PRESENCE_ONLINE_MARGIN_SECONDS`, else 20. */
  marginSeconds?: number;
  /**
   * Tell idle from online: someone with a page open (a stream of theirs) and no activity for
   * `idleSeconds` is idle, not offline. Default off (two states: online, offline); `idleSeconds`
   * turns it on too.
   */
  idle?: boolean;
  /** Seconds without activity before someone with a page open is idle, > 0. Default env `PRESENCE_IDLE_SECONDS`, else 300. */
  idleSeconds?: number;
  /** At most one write per user per this many seconds. Default half the window. */
  writeSeconds?: number;
  /** Relay tick. Default 1000 ms. */
  tickMs?: number;
  /** Keep-alive comment interval on idle streams. Default 15 s. */
  keepAliveSeconds?: number;
  /**
   * A roster window whose people stay the same gets the new count at most this often (a change
   * inside the window goes at once, with the count). Default 5 s; 0 sends every tick's count.
   */
  countSeconds?: number;
  /** SSE `retry:` hint sent to clients. Default 2000 ms. */
  retryMs?: number;
  /** Most uids one stream or bulk request may name. Default 1000. */
  maxUids?: number;
  /** Open streams per process before new ones get 503. Default 10,000. */
  maxStreams?: number;
  /** Open streams per client (see `clientKey`) before new ones get 429. Default 32. */
  maxStreamsPerClient?: number;
  /**
   * Bytes a stream may have queued for a client that stopped reading, behind the frame it is
   * taking, before it is dropped (one frame larger than this still reaches a slow reader). Default 256 KiB.
   */
  maxBufferedBytes?: number;
  /**
   * Identifies a client for `maxStreamsPerClient`. Default: the client's address — the
   * socket's, or behind proxies you trust (`trustProxy`) the one they forwarded.
   */
  clientKey?: (c: Context) => string;
  /**
   * The reverse proxies in front of the server, for the default `clientKey`: how many
   * (1 for one nginx) or their IP addresses. The right-most `X-Forwarded-For` entry no
   * trusted proxy accounts for is the client. Default 0: the socket's address, header ignored.
   */
  trustProxy?: TrustProxy;
  /**
   * Requests the middleware ignores. Default: static assets, EventSource requests (an open
   * stream is not activity) and the client's `POST …/subscribe` (a page adding dots is not either).
   */
  skip?: (c: Context) => boolean;
  /**
   * Which of these uids this viewer may watch. Default: all (status is public).
   * Return the allowed subset; asking for any other uid answers 403.
   */
  authorize?: (c: Context, uids: readonly Uid[]) => readonly Uid[] | Promise<readonly Uid[]>;
  /** The clock (epoch ms); tests pass a fake. Default `Date.now`. */
  now?: () => number;
  /**
   * A clock that never jumps, for measuring how long ago users were active. Default
   * `performance.now`, or `now` itself when a fake `now` is given.
   */
  monotonic?: () => number;
  /** Allow cross-origin pages to use the endpoints. Default: off (same-origin only). */
  cors?: { origin: string | string[] };
  /** Where the kit reports faults it survived (a locked database…), once per episode. Default `console.warn`. */
  log?: (message: string) => void;
  /** Throttle map bound. Default 100,000 users. */
  maxThrottleEntries?: number;
  /**
   * Who may enter and watch a room (`rooms/`): return false to answer 403. Called once per room a
   * session enters, and for `GET /rooms/:room`. Default: everyone (a guest watches but is not a member).
   */
  authorizeRoom?: (c: Context, room: RoomName) => boolean | Promise<boolean>;
  /** Rooms one session may be in at once. Default 16. */
  maxRoomsPerSession?: number;
  /** How long a member stays after their last page in the room closed; a reload never crosses it. Default 30 s. */
  roomGraceSeconds?: number;
  /** How long a typing signal holds on the receivers unless another follows. Default 5 s. */
  typingSeconds?: number;
  /**
   * Called when a user joins a room (at the tick that shows it), once across processes on one
   * SQLite file: by the process whose page brought them in. Default: nothing.
   */
  onJoin?: (room: RoomName, uid: Uid) => void;
  /** Called when a member leaves a room (after the grace), once: by the process that held them last. Default: nothing. */
  onLeave?: (room: RoomName, uid: Uid) => void;
}

type Unset = 'db' | 'redis' | 'users' | 'resolveUser' | 'authorize' | 'cors' | 'authorizeRoom' | 'onJoin' | 'onLeave';
export type ResolvedOptions = Required<Omit<PresenceOptions, Unset | 'idleSeconds'>> &
  Pick<PresenceOptions, Unset> & {
    /** The idle threshold when `idle` is on, else null. */
    idleSeconds: number | null;
  };

/** Zulip's: five minutes without interaction. */
export const DEFAULT_IDLE_SECONDS = 300;

/** `idle` / `idleSeconds` resolved once: null when idle is off; a bad value stops the start with what to fix. */
function resolveIdle(options: PresenceOptions): number | null {
  const { idle, idleSeconds } = options;
  if (idle === false || (idle === undefined && idleSeconds === undefined)) return null;
  return secondsOption('idleSeconds', idleSeconds, DEFAULT_IDLE_SECONDS, false);
}

/**
 * A seconds option, or its default; anything else stops the start with what to fix (a typo like
 * "30s", read as NaN, silently meant no room grace: every reload showed a leave).
 */
function secondsOption(name: string, value: unknown, fallback: number, zeroAllowed: boolean): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0))
    throw new TypeError(
      `presence-kit: \`${name}\` must be a number of seconds${zeroAllowed ? ', 0 or more' : ' above 0'} (got ${String(value)}); leave it out for ${fallback}.`,
    );
  return value;
}

const ASSET = /\.(?:js|mjs|css|map|png|jpe?g|gif|svg|ico|webp|avif|woff2?|ttf|otf|txt|json|webmanifest)$/i;

/** Default `skip`: assets by extension, and the presence stream and subscription changes themselves. */
export function isAssetOrStream(c: Context): boolean {
  if (c.req.method === 'OPTIONS') return true;
  if (ASSET.test(c.req.path)) return true;
  // A tab in the background adding dots to a live list would otherwise keep its user online forever.
  if (c.req.method === 'POST' && c.req.path.endsWith('/subscribe')) return true;
  return (c.req.header('accept') ?? '').includes('text/event-stream');
}

type Env = Record<string, string | undefined>;

/** Merges defaults once; env vars fill only what the options leave unset. */
export function resolveOptions(options: PresenceOptions, env: Env = process.env): ResolvedOptions {
  // Core's one window parser: invalid values fall back to the defaults, and a margin of 0 stays 0.
  const { timeoutSeconds, marginSeconds } = parseWindow({
    timeoutSeconds: options.timeoutSeconds ?? env.PRESENCE_TIMEOUT_SECONDS,
    marginSeconds: options.marginSeconds ?? env.PRESENCE_ONLINE_MARGIN_SECONDS,
  });
  const trustProxy = checkTrustProxy(options.trustProxy ?? 0);
  const trusted = normalizedTrust(trustProxy);
  const idleSeconds = resolveIdle(options);
  return {
    ...options,
    trustProxy,
    clientKey: options.clientKey ?? ((c) => clientAddress(c, trusted)),
    timeoutSeconds,
    marginSeconds,
    idle: idleSeconds !== null,
    idleSeconds,
    writeSeconds: options.writeSeconds ?? defaultWriteSeconds(timeoutSeconds),
    tickMs: options.tickMs ?? 1000,
    keepAliveSeconds: options.keepAliveSeconds ?? 15,
    countSeconds: Number.isFinite(options.countSeconds) && options.countSeconds! >= 0 ? options.countSeconds! : 5,
    retryMs: options.retryMs ?? 2000,
    maxUids: options.maxUids ?? DEFAULT_MAX_UIDS,
    maxStreams: options.maxStreams ?? 10_000,
    maxStreamsPerClient: options.maxStreamsPerClient ?? 32,
    maxBufferedBytes: options.maxBufferedBytes ?? 256 * 1024,
    skip: options.skip ?? isAssetOrStream,
    now: options.now ?? Date.now,
    monotonic: options.monotonic ?? options.now ?? (() => performance.now()),
    log: options.log ?? ((message) => console.warn(message)),
    maxThrottleEntries: options.maxThrottleEntries ?? 100_000,
    maxRoomsPerSession: options.maxRoomsPerSession ?? DEFAULT_MAX_ROOMS_PER_SESSION,
    roomGraceSeconds: secondsOption('roomGraceSeconds', options.roomGraceSeconds, DEFAULT_ROOM_GRACE_SECONDS, true),
    typingSeconds: secondsOption('typingSeconds', options.typingSeconds, DEFAULT_TYPING_SECONDS, false),
  };
}
