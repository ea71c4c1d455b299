import { existsSync } from 'node:fs';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import type { PresenceWindow } from '@presence-kit/core';
import type { ForwardedRooms, PresenceEngine } from './engine.js';
import { createLastSeenStore, mapsHostTable, type LastSeenStore, type UsersTable } from './last-seen-store.js';
import { failFast } from './activity-recorder.js';
import type { FaultLog } from './fault-log.js';
import { applyForwarded } from './forwarded-change.js';
import { OnlineSet } from './online-set.js';
import { OpenPages } from './open-pages.js';
import { createPagesTable, type PagesTable } from './pages-table.js';
import { ProcessLink } from './process-link.js';
import type { Relay } from './relay.js';
import { RoomStore } from './rooms/room-store.js';

/** How long setting up the file may wait for another process starting on it at the same moment. */
const SETUP_BUSY_MS = 10_000;

/** Opens a database file the way presence wants it: WAL, and never waiting on a lock once it serves. */
export function openDatabase(path: string): Database {
  const db = new BetterSqlite3(path);
  // Switching to WAL takes a lock another process opening the file right now may hold, and SQLite
  // answers that with SQLITE_BUSY at once, without waiting: so try again for a while.
  withBusyTimeout(db, SETUP_BUSY_MS, () => retryWhileBusy(() => db.pragma('journal_mode = WAL'), SETUP_BUSY_MS));
  // A locked database must not stall the host's requests: fail fast, retry on the next one.
  db.pragma('busy_timeout = 0');
  return db;
}

/** Runs `step` again every 20 ms while the file is locked, for up to `ms` (a start-up step: it may block). */
function retryWhileBusy<T>(step: () => T, ms: number): T {
  const until = performance.now() + ms;
  for (;;) {
    try {
      return step();
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || performance.now() > until) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/**
 * Runs `setup` (creating tables) willing to wait `ms` for a lock, then puts the connection's own
 * busy timeout back: processes that start together on one file each wait their turn instead of
 * failing with "database is locked", and requests afterwards still never wait.
 */
function withBusyTimeout<T>(db: Database, ms: number, setup: () => T): T {
  const before = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma(`busy_timeout = ${ms}`);
  try {
    return setup();
  } finally {
    db.pragma(`busy_timeout = ${before}`);
  }
}

/**
 * Opens the `db` path. A path meant to hold the host's users table must already exist:
 * opening would create an empty file, which the host would then find beside its app.
 */
function openHostOrKitDatabase(path: string, users: Partial<UsersTable> | undefined): Database {
  if (mapsHostTable(users) && path !== ':memory:' && !existsSync(path)) {
    throw new TypeError(
      `presence-kit: database file "${path}" does not exist, so neither does table "${users?.table}"; point \`db\` at your app's database, or leave \`users\` unset to use the kit's own table.`,
    );
  }
  return openDatabase(path);
}

export interface SqliteEngineOptions {
  db: Database | string;
  users: Partial<UsersTable> | undefined;
  window: PresenceWindow;
  now: () => number;
  monotonic: () => number;
  writeSeconds: number;
  /** Idle on: seconds without activity before someone with a page open is idle; null: idle off. */
  idleSeconds: number | null;
  faults: FaultLog;
  /** For a change another process on the file forwards here. */
  maxUids: number;
}

/** Page rows unchanged for this long are dropped: long closed, or left by a process that died. */
const PAGES_KEPT_MS = 60 * 60_000;

export interface SqliteEngine extends PresenceEngine {
  readonly store: LastSeenStore;
  /** The host's own connection, when it passed one in (the recorder writes on it without waiting on a lock). */
  readonly hostDb: Database | undefined;
}

/** The embedded default: one SQLite file, and this process's own online set stepped by the relay each tick. */
export function createSqliteEngine(o: SqliteEngineOptions): SqliteEngine {
  const ownsDb = typeof o.db === 'string';
  const db = typeof o.db === 'string' ? openHostOrKitDatabase(o.db, o.users) : o.db;
  let store: LastSeenStore;
  let pagesTable: PagesTable;
  try {
    ({ store, pagesTable } = withBusyTimeout(db, SETUP_BUSY_MS, () =>
      retryWhileBusy(
        () => ({ store: createLastSeenStore(db, o.users), pagesTable: createPagesTable(db) }),
        SETUP_BUSY_MS,
      ),
    ));
  } catch (error) {
    // A failed start leaves no open connection behind (and so no -wal and -shm files).
    if (ownsDb) db.close();
    throw error;
  }
  let relay: Relay | undefined;
  let pruned = o.now();
  const writePages: PagesTable['write'] = (node, rows, now) => {
    pagesTable.write(node, rows, now);
    if (now - pruned < PAGES_KEPT_MS / 4) return;
    pruned = now;
    pagesTable.prune(now - PAGES_KEPT_MS);
  };
  const pages = new OpenPages({
    // On the host's own connection a write must not wait on a lock either: it runs inside a request.
    write: ownsDb ? writePages : failFast(db, writePages),
    writeSeconds: o.writeSeconds,
    marginSeconds: o.window.marginSeconds,
    now: o.now,
    monotonic: o.monotonic,
    faults: o.faults,
  });
  let forwardedRooms: ForwardedRooms | undefined;
  // A file other processes may open too: they pass each other the subscribes for sessions they hold.
  const link = db.memory
    ? undefined
    : new ProcessLink(db.name, pages.node, o.faults, (change) =>
        applyForwarded(relay!, engine, forwardedRooms, change, { maxUids: o.maxUids, now: o.now }),
      );
  const engine: SqliteEngine = {
    kind: 'sqlite',
    store,
    // Several processes on one file share their rooms through it.
    rooms: new RoomStore(db, o.monotonic),
    hostDb: ownsDb ? undefined : db,
    writes: store,
    pages,
    online: new OnlineSet({
      store,
      pages: {
        // This process's refresh is due at a step: written just before it is read.
        changedSince(cutoff) {
          pages.sweep();
          return pagesTable.changedSince(cutoff);
        },
      },
      window: o.window,
      now: o.now,
      monotonic: o.monotonic,
      writeSeconds: o.writeSeconds,
      idleSeconds: o.idleSeconds,
    }),
    mapping: store.mapping,
    ready: link ? link.start() : Promise.resolve(),
    // The process's id before every sid, so another process on the file can tell whose session it is.
    sidPrefix: link ? `${pages.node}.` : '',
    ...(link ? { forward: (change) => link.forward(change) } : {}),
    users: async (uids) => store.users(uids),
    usersNow: (uids) => store.users(uids),
    upsertUser(profile) {
      store.upsertUser(profile);
      relay?.profileChanged(profile.uid);
    },
    setHidden(uid, hidden) {
      store.setHidden(uid, hidden);
      // Hiding does not move last_seen, which is all a tick reads: ask for this row.
      relay?.recheck(uid);
    },
    attach(r, rooms) {
      relay = r;
      forwardedRooms = rooms;
    },
    async close() {
      pages.close();
      await link?.close();
      if (ownsDb) db.close();
    },
  };
  return engine;
}
