import { existsSync } from 'node:fs';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import type { Hono, MiddlewareHandler } from 'hono';
import { presenceLabel, type PresenceWindow, type Roster, type Uid, type UserStatus } from '@presence-kit/core';
import { ActivityRecorder } from './activity-recorder.js';
import { FaultLog } from './fault-log.js';
import type { HtmlAttributes } from './html.js';
import { keepInternals } from './internals.js';
import { resolveOptions, type PresenceOptions, type ResolvedOptions } from './options.js';
import { Relay } from './relay.js';
import { presenceRoutes } from './routes.js';
import { renderDot, renderRoster, renderStatus, statusOfRow, type UserRow } from './ssr.js';
import { createLastSeenStore, mapsHostTable, type LastSeenStore, type UserProfile } from './last-seen-store.js';
import { presenceUserOf, type PresenceUser } from './presence-user.js';

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
  /** Sets a user's display name and avatar URL (shown in the roster). */
  upsertUser(profile: UserProfile): void;
  /** Hide my status: to everyone else the user is offline and never seen. */
  setHidden(uid: Uid, hidden: boolean): void;
  /** Online under the same rule as the live dots, from a row the page already loaded. */
  isOnline(row: UserRow): boolean;
  /** `{ online, last_seen }` for a row: for JSON clients and templates. */
  statusOf(row: UserRow): UserStatus;
  /** `online`, `last seen 5m ago` or `offline` for a row. */
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
  /** Who is online now, alphabetical. */
  roster(): Roster;
  /**
   * Profiles and last activity for these uids, in one query, as rows the render helpers
   * read: for pages whose users live in the kit's table. Unknown uids are absent.
   */
  users(uids: readonly Uid[]): Map<Uid, PresenceUser>;
  /** Open streams and watched uids, for a host's metrics. */
  stats(): PresenceStats;
  readonly window: Readonly<PresenceWindow>;
  readonly options: Readonly<ResolvedOptions>;
  /**
   * Ends every stream (over HTTP/1.1 with its socket, so a plain `server.close()` after it
   * completes at once), stops the relay, writes held-back activity and, if the kit opened
   * it, closes the database.
   */
  close(): void;
}

/** Opens a database file the way presence wants it: WAL, and never waiting on a lock. */
export function openDatabase(path: string): Database {
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  // A locked database must not stall the host's requests: fail fast, retry on the next one.
  db.pragma('busy_timeout = 0');
  return db;
}

/**
 * Opens the `db` path. A path meant to hold the host's users table must already exist:
 * opening would create an empty file, which the host would then find beside its app.
 */
function openHostOrKitDatabase(path: string, users: ResolvedOptions['users']): Database {
  if (mapsHostTable(users) && path !== ':memory:' && !existsSync(path)) {
    throw new TypeError(
      `presence-kit: database file "${path}" does not exist, so neither does table "${users?.table}"; point \`db\` at your app's database, or leave \`users\` unset to use the kit's own table.`,
    );
  }
  return openDatabase(path);
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
  const ownsDb = typeof o.db === 'string';
  const db = typeof o.db === 'string' ? openHostOrKitDatabase(o.db, o.users) : o.db;
  let store: LastSeenStore;
  try {
    store = createLastSeenStore(db, o.users);
  } catch (error) {
    // A failed start leaves no open connection behind (and so no -wal and -shm files).
    if (ownsDb) db.close();
    throw error;
  }
  const window: PresenceWindow = { timeoutSeconds: o.timeoutSeconds, marginSeconds: o.marginSeconds };
  const faults = new FaultLog(o.log, o.monotonic);
  const recorder = new ActivityRecorder({
    store,
    writeSeconds: o.writeSeconds,
    maxEntries: o.maxThrottleEntries,
    now: o.now,
    faults,
    ...(ownsDb ? {} : { hostDb: db }),
  });
  const relay = new Relay({
    store,
    window,
    now: o.now,
    monotonic: o.monotonic,
    tickMs: o.tickMs,
    writeSeconds: o.writeSeconds,
    keepAliveMs: o.keepAliveSeconds * 1000,
    onError: (error) => faults.failed('relay tick', error),
  });
  const reading = { lastSeen: store.mapping.lastSeen, hidden: store.mapping.hidden ?? '\0none' };
  const uidOf = (row: UserRow): Uid => String(row[store.mapping.id] ?? row.uid ?? row.id ?? '');

  const touch = (uid: Uid): boolean => {
    if (!recorder.record(uid)) return false;
    // Someone not shown online yet: tick now rather than up to a second from now.
    if (!relay.isShownOnline(uid)) relay.nudge();
    return true;
  };

  const track: MiddlewareHandler = async function presenceTrack(c, next) {
    if (o.resolveUser && !o.skip(c)) {
      try {
        const uid = await o.resolveUser(c);
        if (uid !== null && uid !== undefined && uid !== '') touch(String(uid));
      } catch (error) {
        faults.failed('resolving the current user', error);
      }
    }
    await next();
  };

  const statusOf = (row: UserRow): UserStatus => {
    const status = statusOfRow(row, o.now(), window, reading);
    // The relay's set carries hysteresis, so a server-rendered dot agrees with the live ones.
    return status.last_seen !== null && relay.isShownOnline(uidOf(row)) ? { ...status, online: true } : status;
  };

  relay.start();
  recorder.start();
  const presence: Presence = {
    app: presenceRoutes(relay, o, faults),
    track,
    touch,
    upsertUser: (profile) => {
      store.upsertUser(profile);
      relay.profileChanged(profile.uid);
    },
    setHidden: (uid, hidden) => {
      store.setHidden(uid, hidden);
      // Hiding does not move last_seen, which is all a tick reads: ask for this row.
      relay.recheck(uid);
    },
    isOnline: (row) => statusOf(row).online,
    statusOf,
    label: (row, locale = 'en') => {
      const status = statusOf(row);
      return presenceLabel({ online: status.online, lastSeen: status.last_seen }, o.now(), locale);
    },
    // The markup states the server's clock and window, so the first paint needs neither from the page.
    renderDot: (row, avatarHtml, attributes) => renderDot(uidOf(row), statusOf(row), avatarHtml, attributes, { now: o.now(), window }),
    renderStatus: (row, locale, attributes) => {
      const now = o.now();
      return renderStatus(uidOf(row), statusOf(row), now, locale, attributes, { now, window });
    },
    renderRoster: (attributes) => renderRoster(relay.roster(), o.now(), attributes),
    roster: () => relay.roster(),
    users: (uids) => {
      const users = new Map<Uid, PresenceUser>();
      for (const [uid, user] of store.users(uids)) users.set(uid, presenceUserOf(user, store.mapping));
      return users;
    },
    stats: () => ({ streams: relay.sessions.size, watchedUids: relay.sessions.watchedUids }),
    window,
    options: o,
    close() {
      recorder.close();
      relay.stop();
      if (ownsDb) db.close();
    },
  };
  return keepInternals(presence, { store, relay, recorder });
}

