import type { Database } from 'better-sqlite3';
import type { Uid } from '@presence-kit/core';

/** One process's open pages of one user: until when (ahead while open; the closing time once closed). */
export type PageRow = [uid: Uid, until: number];

/**
 * The kit's `presence_pages` table: one row per user per process that holds a page of theirs,
 * so every process on the file knows who still has a page open anywhere. `written` is when
 * the row last changed (indexed), so a tick reads only what changed since the previous one.
 */
export interface PagesTable {
  /** Writes this process's rows, in one transaction. */
  write(node: string, rows: readonly PageRow[], now: number): void;
  /** Users with a row written at or after `cutoff`, with the latest `until` of all their rows. */
  changedSince(cutoff: number): PageRow[];
  /** Drops rows unchanged since `before` (closed long ago, or left by a process that died). */
  prune(before: number): void;
}

export function createPagesTable(db: Database): PagesTable {
  db.exec(`CREATE TABLE IF NOT EXISTS presence_pages (
    uid TEXT NOT NULL, node TEXT NOT NULL, until INTEGER NOT NULL, written INTEGER NOT NULL,
    PRIMARY KEY (uid, node)
  ) WITHOUT ROWID`);
  db.exec('CREATE INDEX IF NOT EXISTS presence_pages_written_idx ON presence_pages (written)');
  const upsert = db.prepare(
    `INSERT INTO presence_pages (uid, node, until, written) VALUES (?, ?, ?, ?)
     ON CONFLICT(uid, node) DO UPDATE SET until = excluded.until, written = excluded.written`,
  );
  const writeAll = db.transaction((node: string, rows: readonly PageRow[], now: number) => {
    for (const [uid, until] of rows) upsert.run(uid, node, until, now);
  });
  const changed = db
    .prepare(
      `SELECT uid, MAX(until) FROM presence_pages
       WHERE uid IN (SELECT uid FROM presence_pages WHERE written >= ?) GROUP BY uid`,
    )
    .raw();
  const prune = db.prepare('DELETE FROM presence_pages WHERE written < ?');
  return {
    write: (node, rows, now) => writeAll(node, rows, now),
    changedSince: (cutoff) => changed.all(cutoff) as PageRow[],
    prune: (before) => void prune.run(before),
  };
}
