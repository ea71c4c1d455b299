import { randomBytes } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import type { RoomName, RoomState, Uid } from '@presence-kit/core';

/** One process's word on one member of one room: written on join, leave, state or typing only. */
export interface MemberRow {
  room: RoomName;
  uid: Uid;
  /** The process whose pages keep this member here. */
  process: string;
  /** False once that process's last page of theirs in the room is gone past the grace. */
  present: boolean;
  name: string;
  avatar: string | null;
  /** When they entered (epoch ms). */
  since: number;
  state: RoomState | null;
  /** Typing until (epoch ms), 0 when not. */
  typingUntil: number;
}

/** How an engine shares rooms between the processes behind it (the engine seam's `rooms`). */
export interface RoomSharing {
  /** This process's new word on a member, sent at the next exchange. */
  queue(row: Omit<MemberRow, 'process'>): void;
  /** Something queued is still to be sent. */
  readonly pending: boolean;
  /** Sends what is queued and returns the other processes' changes since the last exchange. */
  exchange(now: number): Exchange;
  /**
   * True where the storage decides which process runs `onJoin`/`onLeave` (the first to hold a
   * member, the last to let go: `joined`/`left` of an exchange); else each process decides from its own pages.
   */
  readonly decidesHooks?: boolean;
}

export interface Exchange {
  rows: MemberRow[];
  live: ReadonlySet<string>;
  livenessChanged: boolean;
  /** Members this process was the first in the cluster to hold / the last to let go (`decidesHooks`). */
  joined?: { room: RoomName; uid: Uid }[];
  left?: { room: RoomName; uid: Uid }[];
}

/** How often a process says it is alive, and how long after its last word its rows stop counting. */
export const HEARTBEAT_MS = 2000;
export const PROCESS_TTL_MS = 15_000;
/** Rows of members who left are kept this long, so a process that reads late still sees the leave. */
const TOMBSTONE_MS = 5 * 60_000;

type Raw = [string, string, string, number, string, string | null, number, string | null, number, number];

/**
 * Rooms across processes on one SQLite file, in two kit tables (rooms are ephemeral; nothing
 * here is history): `presence_room_members`, one row per (room, uid, process) written only
 * when that process's view of the member changes, each stamped with a `seq` one above the
 * table's highest, so a tick reads only the rows changed since its last read (an indexed
 * range); and `presence_room_processes`, one heartbeat per process every 2 s, so a killed
 * process's members leave within 15 s. Writes are queued and flushed once per tick in one
 * transaction; a locked database keeps them queued for the next one. The tables are created
 * at the first exchange, so a site that never uses rooms gets none.
 */
export class RoomStore implements RoomSharing {
  readonly process = randomBytes(6).toString('base64url');
  readonly #db: Database;
  #tables: Tables | null = null;
  readonly #pending = new Map<string, MemberRow>();
  #lastSeq = 0;
  #lastHeartbeat = -Infinity;
  #live = new Set<string>();

  constructor(db: Database) {
    this.#db = db;
  }

  get pending(): boolean {
    return this.#pending.size > 0;
  }

  /** This process's new word on a member, written at the next flush (the last word per member wins). */
  queue(row: Omit<MemberRow, 'process'>): void {
    this.#pending.set(`${row.room}\n${row.uid}`, { ...row, process: this.process });
  }

  /**
   * One tick's exchange: writes what is queued, says this process is alive (every 2 s), and
   * returns the other processes' rows changed since the last read and which processes are alive
   * (`livenessChanged`: one died, forget its rows). Throws (a locked database) with the queue
   * kept for the next tick.
   */
  exchange(now: number): Exchange {
    const tables = (this.#tables ??= roomTables(this.#db));
    if (this.#pending.size > 0) {
      tables.write([...this.#pending.values()], now);
      this.#pending.clear();
    }
    let livenessChanged = false;
    if (now - this.#lastHeartbeat >= HEARTBEAT_MS) {
      this.#lastHeartbeat = now;
      tables.beat(this.process, now);
      const { gained, lost } = this.#refreshLive(tables, now);
      livenessChanged = lost;
      // A process that came back to life may have rows this one skipped: read everything again.
      if (gained) this.#lastSeq = 0;
      tables.sweep(now - PROCESS_TTL_MS, now - TOMBSTONE_MS);
    }
    const rows: MemberRow[] = [];
    let refreshed = false;
    for (const raw of tables.changes.all(this.#lastSeq, this.process)) {
      this.#lastSeq = raw[9];
      // A process that started since the last heartbeat read: ask once rather than wait for the next.
      if (!this.#live.has(raw[2]) && !refreshed) {
        refreshed = true;
        if (this.#refreshLive(tables, now).lost) livenessChanged = true;
      }
      if (!this.#live.has(raw[2])) continue;
      rows.push({
        room: raw[0],
        uid: raw[1],
        process: raw[2],
        present: raw[3] === 1,
        name: raw[4],
        avatar: raw[5],
        since: raw[6],
        state: raw[7] === null ? null : (JSON.parse(raw[7]) as RoomState),
        typingUntil: raw[8],
      });
    }
    return { rows, live: this.#live, livenessChanged };
  }

  /** Which processes are alive now; `lost`: one that was is not (its members must go). */
  #refreshLive(tables: Tables, now: number): { gained: boolean; lost: boolean } {
    const live = new Set(tables.processes(now - PROCESS_TTL_MS));
    const lost = [...this.#live].some((p) => !live.has(p));
    const gained = [...live].some((p) => !this.#live.has(p));
    this.#live = live;
    return { gained, lost };
  }
}

interface Tables {
  write: (rows: MemberRow[], at: number) => void;
  changes: Statement<[number, string], Raw>;
  beat: (process: string, at: number) => void;
  processes: (since: number) => string[];
  sweep: (deadBefore: number, tombstonesBefore: number) => void;
}

/** The two kit tables, and the prepared statements over them (every name is the kit's own). */
function roomTables(db: Database): Tables {
  db.exec(`CREATE TABLE IF NOT EXISTS presence_room_members (
      room TEXT NOT NULL, uid TEXT NOT NULL, process TEXT NOT NULL, present INTEGER NOT NULL,
      name TEXT NOT NULL, avatar TEXT, since INTEGER NOT NULL, state TEXT, typing_until INTEGER NOT NULL,
      seq INTEGER NOT NULL, changed_at INTEGER NOT NULL, PRIMARY KEY (room, uid, process));
    CREATE INDEX IF NOT EXISTS presence_room_members_seq ON presence_room_members (seq);
    CREATE TABLE IF NOT EXISTS presence_room_processes (process TEXT PRIMARY KEY, heartbeat INTEGER NOT NULL);`);
  const upsert = db.prepare(`INSERT INTO presence_room_members
      (room, uid, process, present, name, avatar, since, state, typing_until, seq, changed_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM presence_room_members), ?)
    ON CONFLICT (room, uid, process) DO UPDATE SET present = excluded.present, name = excluded.name,
      avatar = excluded.avatar, since = excluded.since, state = excluded.state,
      typing_until = excluded.typing_until, seq = excluded.seq, changed_at = excluded.changed_at`);
  const beat = db.prepare(
    `INSERT INTO presence_room_processes (process, heartbeat) VALUES (?, ?)
     ON CONFLICT (process) DO UPDATE SET heartbeat = excluded.heartbeat`,
  );
  const processes = db.prepare(`SELECT process FROM presence_room_processes WHERE heartbeat >= ?`).pluck();
  const deadRows = db.prepare(
    `DELETE FROM presence_room_members WHERE process NOT IN (SELECT process FROM presence_room_processes WHERE heartbeat >= ?)`,
  );
  const deadProcesses = db.prepare(`DELETE FROM presence_room_processes WHERE heartbeat < ?`);
  const tombstones = db.prepare(`DELETE FROM presence_room_members WHERE present = 0 AND changed_at < ?`);
  return {
    write: db.transaction((rows: MemberRow[], at: number) => {
      for (const r of rows)
        upsert.run(
          r.room,
          r.uid,
          r.process,
          r.present ? 1 : 0,
          r.name,
          r.avatar,
          r.since,
          r.state === null ? null : JSON.stringify(r.state),
          r.typingUntil,
          at,
        );
    }),
    changes: db
      .prepare<[number, string], Raw>(
        `SELECT room, uid, process, present, name, avatar, since, state, typing_until, seq
         FROM presence_room_members WHERE seq > ? AND process <> ? ORDER BY seq`,
      )
      .raw(),
    beat: (process, at) => void beat.run(process, at),
    processes: (since) => processes.all(since) as string[],
    sweep: db.transaction((deadBefore: number, tombstonesBefore: number) => {
      deadRows.run(deadBefore);
      deadProcesses.run(deadBefore);
      tombstones.run(tombstonesBefore);
    }),
  };
}
