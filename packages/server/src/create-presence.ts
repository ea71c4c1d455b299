import type { Hono, MiddlewareHandler } from 'hono';
import {
  presenceLabel,
  type PresenceWindow,
  type RoomName,
  type RoomResponse,
  type Roster,
  type Uid,
  type UserStatus,
} from '@presence-kit/core';
import { ActivityRecorder } from './activity-recorder.js';
import { currentUser } from './current-user.js';
import { FaultLog } from './fault-log.js';
import type { HtmlAttributes } from './html.js';
import { keepInternals } from './internals.js';
import { resolveOptions, type PresenceOptions, type ResolvedOptions } from './options.js';
import { Relay } from './relay.js';
import { presenceRoutes } from './routes.js';
import { renderDot, renderRoster, renderStatus, statusOfRow, type UserRow } from './ssr.js';
import type { StoredUser, UserProfile } from './last-seen-store.js';
import { presenceUserOf, type PresenceUser } from './presence-user.js';
import type { PresenceEngine } from './engine.js';
import { createRedisEngine } from './redis/redis-engine.js';
import { createSqliteEngine, type SqliteEngine } from './sqlite-engine.js';
import { Rooms } from './rooms/rooms.js';
import { renderHere } from './rooms/room-ssr.js';
import { applyRooms, memberProfile, tooManyRooms } from './rooms/room-subscription.js';

export { openDatabase } from './sqlite-engine.js';

/** Live figures for a host's metrics. */
export interface PresenceStats {
  /** Open presence streams in this process. */
  streams: number;
  /** Distinct uids at least one open stream watches. */
  watchedUids: number;
}

export interface Presence {
  /** The sub-app: mount it with `app.route('/presence', presence.app)`. */
  readonly app: Hono;
  /** The activity middleware: `app.use(presence.track)`. */
  readonly track: MiddlewareHandler;
  /**
   * Records activity for a uid: written at once when due, else held back and written
   * when the write period ends. Returns true when it wrote now. Never throws; a value that
   * is not a valid uid is skipped and logged (at most once a minute).
   */
  touch(uid: Uid): boolean;
  /**
   * Resolves once presence can serve: at once on SQLite; on Redis once connected and primed
   * with the cluster's online set. Rejects with an error naming what to fix (an unreachable
   * Redis URL). Await it before listening.
   */
  readonly ready: Promise<void>;
  /** Sets a user's display name and avatar URL (shown in the roster). */
  upsertUser(profile: UserProfile): void;
  /** Hide my status: to everyone else the user is offline and never seen. */
  setHidden(uid: Uid, hidden: boolean): void;
  /** Present (online, or idle when idle is on) under the same rule as the live dots, from a row the page already loaded. */
  isOnline(row: UserRow): boolean;
  /** `{ online, last_seen }` for a row (and `idle: true` for someone idle): for JSON clients and templates. */
  statusOf(row: UserRow): UserStatus;
  /** `online`, `idle for 12m`, `last seen 5m ago` or `offline` for a row. */
  label(row: UserRow, locale?: string): string;
  /**
   * Server-rendered `<presence-dot>` around your avatar markup (trusted HTML), stating the server's
   * clock and window, with your own `attributes` added, escaped: `{ endpoint: '/presence', class: 'big' }`.
   */
  renderDot(row: UserRow, avatarHtml?: string, attributes?: HtmlAttributes): string;
  /** Server-rendered `<presence-status>` with its label text, stating the server's clock and window, and your own `attributes`. */
  renderStatus(row: UserRow, locale?: string, attributes?: HtmlAttributes): string;
  /** Server-rendered `<online-now>` with the current roster inside, and your own `attributes` (`{ max: 12 }`). */
  renderRoster(attributes?: HtmlAttributes): string;
  /** Who is present now (idle people marked `idle`), alphabetical: a copy, yours to sort or change. */
  roster(): Roster;
  /** Who is in a room now, alphabetical, with their state (what `GET /rooms/:room` answers): for SSR and JSON. */
  roomMembers(room: RoomName): RoomResponse;
  /** Server-rendered `<presence-here room>` with who is in the room now inside, and your own `attributes` (`{ max: 12 }`). */
  renderHere(room: RoomName, attributes?: HtmlAttributes): string;
  /**
   * Profiles and last activity for these uids, in one query, as rows the render helpers
   * read: for pages whose users live in the kit's table. Unknown uids are absent. SQLite
   * only (it reads synchronously); on either engine use `loadUsers`.
   */
  users(uids: readonly Uid[]): Map<Uid, PresenceUser>;
  /** `users`, on either engine (Redis answers from the last values it read when Redis is down). */
  loadUsers(uids: readonly Uid[]): Promise<Map<Uid, PresenceUser>>;
  /** Open streams and watched uids, for a host's metrics. */
  stats(): PresenceStats;
  readonly window: Readonly<PresenceWindow>;
  readonly options: Readonly<ResolvedOptions>;
  /**
   * Ends every stream (over HTTP/1.1 with its socket, so a plain `server.close()` after it
   * completes at once), stops the relay, writes held-back activity and, if the kit opened
   * it, closes the database (on Redis: releases the leader lease and disconnects). Resolves
   * once held-back activity is written (at once on SQLite).
   */
  close(): Promise<void>;
}

/**
 * Creates presence for one process: storage, activity recorder, relay and routes, wired once.
 *
 * ```ts
 * const presence = createPresence({ db: 'presence.db', resolveUser: (c) => c.get('userId') });
 * app.use(presence.track);
 * app.route('/presence', presence.app);
 * ```
 */
export function createPresence(options: PresenceOptions): Presence {
  const o = resolveOptions(options);
  const window: PresenceWindow = { timeoutSeconds: o.timeoutSeconds, marginSeconds: o.marginSeconds };
  const faults = new FaultLog(o.log, o.monotonic);
  const clocks = {
    window,
    now: o.now,
    monotonic: o.monotonic,
    writeSeconds: o.writeSeconds,
    idleSeconds: o.idleSeconds,
    faults,
  };
  let sqlite: SqliteEngine | undefined;
  let engine: PresenceEngine;
  if (o.redis !== undefined) {
    engine = createRedisEngine({
      ...clocks,
      redis: o.redis,
      tickMs: o.tickMs,
      maxEntries: o.maxThrottleEntries,
      maxUids: o.maxUids,
    });
  } else if (o.db !== undefined) {
    engine = sqlite = createSqliteEngine({ ...clocks, db: o.db, users: o.users, maxUids: o.maxUids });
  } else {
    throw new TypeError(
      'presence-kit: pass `db` (a SQLite file path or better-sqlite3 Database) or `redis` (a redis:// URL) to createPresence.',
    );
  }
  const recorder = new ActivityRecorder({
    store: engine.writes,
    writeSeconds: o.writeSeconds,
    maxEntries: o.maxThrottleEntries,
    now: o.now,
    faults,
    ...(sqlite?.hostDb ? { hostDb: sqlite.hostDb } : {}),
  });
  if (engine.pages) engine.pages.onLeft = (uid) => recorder.unthrottle(uid);
  const relay = new Relay({
    online: engine.online,
    window,
    now: o.now,
    tickMs: o.tickMs,
    keepAliveMs: o.keepAliveSeconds * 1000,
    countMs: o.countSeconds * 1000,
    monotonic: o.monotonic,
    sidPrefix: engine.sidPrefix,
    onError: (error) => faults.failed('relay tick', error),
  });
  const rooms = new Rooms({
    now: o.now,
    monotonic: o.monotonic,
    tickMs: o.tickMs,
    graceSeconds: o.roomGraceSeconds,
    typingSeconds: o.typingSeconds,
    ...(o.onJoin ? { onJoin: o.onJoin } : {}),
    ...(o.onLeave ? { onLeave: o.onLeave } : {}),
    onError: (error) => faults.failed('rooms tick', error),
    store: engine.rooms,
  });
  engine.attach(relay, {
    refuse: (change) => tooManyRooms(o, relay.sessions.get(change.sid), change.rooms),
    async apply(change) {
      if (change.rooms.size === 0) return;
      const profile = await memberProfile(engine, relay.sessions.get(change.sid), change.rooms);
      const session = relay.sessions.get(change.sid);
      if (session) applyRooms(rooms, session, change.rooms, profile);
    },
  });
  // Room membership follows the open sessions: a closed stream starts its user's grace in each of its rooms.
  relay.sessions.onEnd = (session) => rooms.leaveAll(session);
  const mapping = engine.mapping;
  const reading = { lastSeen: mapping.lastSeen, hidden: mapping.hidden ?? '\0none' };
  const uidOf = (row: UserRow): Uid => String(row[mapping.id] ?? row.uid ?? row.id ?? '');

  const touch = (uid: Uid): boolean => {
    if (!recorder.record(uid)) return false;
    // Someone not shown online yet (or shown idle): tick now rather than up to a second from now.
    if (!relay.isShownOnline(uid) || relay.shownIdle(uid)) relay.nudge();
    return true;
  };

  const track: MiddlewareHandler = async function presenceTrack(c, next) {
    if (o.resolveUser && !o.skip(c)) {
      const uid = await currentUser(c, o, faults);
      if (uid !== null) touch(uid);
    }
    await next();
  };

  const statusOf = (row: UserRow): UserStatus => {
    const status = statusOfRow(row, o.now(), window, reading);
    // The relay's set carries hysteresis, so a server-rendered dot agrees with the live ones.
    if (status.last_seen === null || !relay.isShownOnline(uidOf(row))) return status;
    return relay.shownIdle(uidOf(row))
      ? { online: true, idle: true, last_seen: status.last_seen }
      : { ...status, online: true };
  };

  relay.start();
  recorder.start();
  rooms.start();
  const toPresenceUsers = (stored: ReadonlyMap<Uid, StoredUser>): Map<Uid, PresenceUser> => {
    const users = new Map<Uid, PresenceUser>();
    for (const [uid, user] of stored) users.set(uid, presenceUserOf(user, mapping));
    return users;
  };
  const presence: Presence = {
    app: presenceRoutes(relay, engine, o, faults, rooms),
    track,
    touch,
    ready: engine.ready,
    upsertUser: (profile) => engine.upsertUser(profile),
    setHidden: (uid, hidden) => engine.setHidden(uid, hidden),
    isOnline: (row) => statusOf(row).online,
    statusOf,
    label: (row, locale = 'en') => {
      const status = statusOf(row);
      return presenceLabel({ online: status.online, idle: status.idle, lastSeen: status.last_seen }, o.now(), locale);
    },
    // The markup states the server's clock and window, so the first paint needs neither from the page.
    renderDot: (row, avatarHtml, attributes) =>
      renderDot(uidOf(row), statusOf(row), avatarHtml, attributes, { now: o.now(), window }),
    renderStatus: (row, locale, attributes) => {
      const now = o.now();
      return renderStatus(uidOf(row), statusOf(row), now, locale, attributes, { now, window });
    },
    renderRoster: (attributes) => renderRoster(relay.roster(), o.now(), attributes),
    roomMembers: (room) => rooms.members(room),
    renderHere: (room, attributes) => renderHere(rooms.members(room), attributes),
    // A copy: the relay's array is the online set's own, which must stay in roster order.
    roster: () => {
      const { count, users } = relay.roster();
      return { count, users: [...users] };
    },
    users: (uids) => {
      if (!engine.usersNow)
        throw new TypeError(
          'presence-kit: `users()` reads SQLite synchronously; on Redis use `await presence.loadUsers(uids)`.',
        );
      return toPresenceUsers(engine.usersNow(uids));
    },
    loadUsers: async (uids) => toPresenceUsers(await engine.users(uids)),
    stats: () => ({ streams: relay.sessions.size, watchedUids: relay.sessions.watchedUids }),
    window,
    options: o,
    close() {
      recorder.close();
      // Every page closes in one write, before the streams end one by one.
      engine.pages?.close();
      rooms.stop();
      relay.stop();
      return engine.close();
    },
  };
  return keepInternals(presence, { engine, sqlite, relay, recorder, rooms });
}
