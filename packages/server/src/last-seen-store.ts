import type { Database, Statement } from 'better-sqlite3';
import type { Uid } from '@presence-kit/core';
import { quoteIdentifier } from './identifiers.js';

/**
 * Where presence lives. By default the kit's own table; or the host's users table,
 * mapped column by column, with a `last_seen` column (INTEGER epoch ms) and its index
 * added when missing.
 */
export interface UsersTable {
  /** Default `presence_users` (created by the kit). */
  table: string;
  /** Primary key column; values are the uids on the wire. Default `uid`. */
  id: string;
  /** Display-name column, or null to show the uid. Default `name`. */
  name: string | null;
  /** Avatar URL column, or null for none. Default `avatar_url`. */
  avatar: string | null;
  /** Last-activity column, INTEGER epoch ms. Default `last_seen`. */
  lastSeen: string;
  /** Optional 0/1 column: users who hide their status look offline and never-seen to others. */
  hidden: string | null;
}

export const KIT_TABLE: Readonly<UsersTable> = Object.freeze({
  table: 'presence_users',
  id: 'uid',
  name: 'name',
  avatar: 'avatar_url',
  lastSeen: 'last_seen',
  hidden: 'hidden',
});

export interface StoredUser {
  uid: Uid;
  name: string;
  avatar: string | null;
  lastSeen: number | null;
  hidden: boolean;
}

export type SeenUser = Pick<StoredUser, 'uid' | 'lastSeen' | 'hidden'>;

export interface UserProfile {
  uid: Uid;
  name?: string | null;
  avatar?: string | null;
}

/**
 * The `last_seen` table on the server (the kit's own or the host's, mapped). Not to be
 * confused with the browser's client store in `@presence-kit/elements`.
 */
export interface LastSeenStore {
  /** Overwrites one user's `last_seen` in place. Returns false when nothing was written. */
  touch(uid: Uid, now: number): boolean;
  /**
   * Writes activity the throttle held back, unless a newer time is stored already
   * (another process may have written since). Returns false when nothing was written.
   */
  touchIfNewer(uid: Uid, at: number): boolean;
  /**
   * Every user whose `last_seen` is at or after `cutoff`, without name and avatar: one range
   * query answered from the `last_seen` index alone (no table lookups), so the relay's tick
   * stays cheap at 1M users.
   */
  recentlySeen(cutoff: number): SeenUser[];
  /** The stored facts for these uids, in one query; unknown uids are absent. */
  users(uids: readonly Uid[]): Map<Uid, StoredUser>;
  /** Sets a user's display name and avatar (and creates the row in the kit's own table). */
  upsertUser(profile: UserProfile): void;
  /** Hides or shows a user's status to everyone else. */
  setHidden(uid: Uid, hidden: boolean): void;
  readonly mapping: Readonly<UsersTable>;
  /** True when the rows belong to the kit (so touching an unknown uid may create one). */
  readonly ownsTable: boolean;
}

type Row = {
  uid: string | number;
  name: string | null;
  avatar: string | null;
  last_seen: number | null;
  hidden: number | null;
};

/** True when the mapping names a table of the host's rather than the kit's own. */
export function mapsHostTable(mapping: Partial<UsersTable> | undefined): boolean {
  return mapping?.table !== undefined && mapping.table !== KIT_TABLE.table;
}

export function createLastSeenStore(db: Database, mapping: Partial<UsersTable> | undefined): LastSeenStore {
  const ownsTable = !mapsHostTable(mapping);
  const m: UsersTable = ownsTable
    ? { ...KIT_TABLE, ...mapping }
    : { ...KIT_TABLE, name: null, avatar: null, hidden: null, ...mapping };

  const t = quoteIdentifier(m.table, 'table');
  const id = quoteIdentifier(m.id, 'id column');
  const ls = quoteIdentifier(m.lastSeen, 'lastSeen column');
  const name = m.name === null ? null : quoteIdentifier(m.name, 'name column');
  const avatar = m.avatar === null ? null : quoteIdentifier(m.avatar, 'avatar column');
  const hidden = m.hidden === null ? null : quoteIdentifier(m.hidden, 'hidden column');

  if (ownsTable) {
    db.exec(`CREATE TABLE IF NOT EXISTS ${t} (
      ${id} TEXT PRIMARY KEY NOT NULL,
      ${name ?? '"name"'} TEXT,
      ${avatar ?? '"avatar_url"'} TEXT,
      ${ls} INTEGER,
      ${hidden ?? '"hidden"'} INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID`);
  } else {
    prepareHostTable(db, m);
  }
  // With the hidden flag in the index, the tick's range query never touches the table.
  // (A database made before this keeps its old index: still correct, just not covering.)
  db.exec(
    `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${m.table}_${m.lastSeen}_idx`, 'index name')} ON ${t} (${ls}${hidden ? `, ${hidden}` : ''})`,
  );

  const columns = [
    `CAST(${id} AS TEXT) AS uid`,
    `${name ?? 'NULL'} AS name`,
    `${avatar ?? 'NULL'} AS avatar`,
    `${ls} AS last_seen`,
    `${hidden ?? '0'} AS hidden`,
  ].join(', ');

  const update = db.prepare(`UPDATE ${t} SET ${ls} = ? WHERE ${id} = ?`);
  // The kit's own table gets one row per user, created on first activity and overwritten after.
  const upsertSeen: Statement | null = ownsTable
    ? db.prepare(
        `INSERT INTO ${t} (${id}, ${ls}) VALUES (?, ?) ON CONFLICT(${id}) DO UPDATE SET ${ls} = excluded.${ls}`,
      )
    : null;
  const updateIfNewer = db.prepare(`UPDATE ${t} SET ${ls} = ? WHERE ${id} = ? AND (${ls} IS NULL OR ${ls} < ?)`);
  const selectSeen = db.prepare(`SELECT CAST(${id} AS TEXT), ${ls}, ${hidden ?? '0'} FROM ${t} WHERE ${ls} >= ?`).raw();
  const selectUsers = db.prepare(`SELECT ${columns} FROM ${t} WHERE ${id} IN (SELECT value FROM json_each(?))`);
  const upsertProfile: Statement | null = ownsTable
    ? db.prepare(
        `INSERT INTO ${t} (${id}, ${name}, ${avatar}) VALUES (?, ?, ?)
         ON CONFLICT(${id}) DO UPDATE SET ${name} = excluded.${name}, ${avatar} = excluded.${avatar}`,
      )
    : null;
  const updateProfile =
    name && avatar ? db.prepare(`UPDATE ${t} SET ${name} = ?, ${avatar} = ? WHERE ${id} = ?`) : null;
  const updateHidden = hidden ? db.prepare(`UPDATE ${t} SET ${hidden} = ? WHERE ${id} = ?`) : null;

  const toUser = (row: Row): StoredUser => ({
    uid: String(row.uid),
    name: row.name ?? String(row.uid),
    avatar: row.avatar ?? null,
    lastSeen: row.last_seen ?? null,
    hidden: Boolean(row.hidden),
  });

  return {
    mapping: m,
    ownsTable,
    touch(uid, now) {
      if (upsertSeen) return upsertSeen.run(uid, now).changes > 0;
      return update.run(now, uid).changes > 0;
    },
    touchIfNewer(uid, at) {
      return updateIfNewer.run(at, uid, at).changes > 0;
    },
    recentlySeen(cutoff) {
      return (selectSeen.all(cutoff) as [string, number | null, number | null][]).map(([uid, lastSeen, isHidden]) => ({
        uid,
        lastSeen,
        hidden: Boolean(isHidden),
      }));
    },
    users(uids) {
      const found = new Map<Uid, StoredUser>();
      if (uids.length === 0) return found;
      for (const row of selectUsers.all(JSON.stringify(uids)) as Row[]) {
        const user = toUser(row);
        found.set(user.uid, user);
      }
      return found;
    },
    upsertUser(profile) {
      const values = [profile.name ?? null, profile.avatar ?? null] as const;
      if (upsertProfile) upsertProfile.run(profile.uid, ...values);
      else if (updateProfile) updateProfile.run(...values, profile.uid);
      else
        throw new TypeError(
          'presence-kit: map the name and avatar columns to set profiles; the host owns its users table.',
        );
    },
    setHidden(uid, value) {
      if (!updateHidden) throw new TypeError('presence-kit: map a `hidden` column to let users hide their status.');
      if (ownsTable) db.prepare(`INSERT OR IGNORE INTO ${t} (${id}) VALUES (?)`).run(uid);
      updateHidden.run(value ? 1 : 0, uid);
    },
  };
}

/** Checks a host's users table and adds what presence needs, once, at startup. */
function prepareHostTable(db: Database, m: UsersTable): void {
  const info = db.prepare(`SELECT name, type FROM pragma_table_info(?)`).all(m.table) as {
    name: string;
    type: string;
  }[];
  if (info.length === 0) {
    throw new TypeError(
      `presence-kit: table "${m.table}" does not exist in this database; point \`db\` at the database that holds your users, or leave \`users\` unset to use the kit's own table.`,
    );
  }
  const columns = new Map(info.map((c) => [c.name, c.type.toUpperCase()]));
  for (const [what, column] of [
    ['id', m.id],
    ['name', m.name],
    ['avatar', m.avatar],
    ['hidden', m.hidden],
  ] as const) {
    if (column !== null && !columns.has(column)) {
      throw new TypeError(`presence-kit: table "${m.table}" has no ${what} column "${column}"; fix \`users.${what}\`.`);
    }
  }
  const lastSeenType = columns.get(m.lastSeen);
  if (lastSeenType === undefined) {
    db.exec(
      `ALTER TABLE ${quoteIdentifier(m.table, 'table')} ADD COLUMN ${quoteIdentifier(m.lastSeen, 'lastSeen column')} INTEGER`,
    );
  } else if (lastSeenType !== '' && !lastSeenType.includes('INT')) {
    throw new TypeError(
      `presence-kit: column "${m.table}.${m.lastSeen}" is ${lastSeenType}, but last_seen must be INTEGER epoch ms; map a new column.`,
    );
  }
}
