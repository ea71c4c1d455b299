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
  /** Members this process was the first in the cluster to hold (`decidesHooks`). */
  joined?: { room: RoomName; uid: Uid }[];
  /** Members this process was the last to let go (`decidesHooks`), or whose last row it swept from a dead process: their `onLeave`. */
  left?: { room: RoomName; uid: Uid }[];
}

/** How often a process says it is alive, and how long after its last word its rows stop counting. */
export const HEARTBEAT_MS = 2000;
export const PROCESS_TTL_MS = 15_000;
/** Rows of members who left are kept this long (on the monotonic clock), so a process that reads late still sees the leave. */
const TOMBSTONE_MS = 5 * 60_000;

type Raw = [string, string, string, number, string, string | null, number, string | null, number, number];

/**
 * Rooms across processes on one SQLite file, in three kit tables (rooms are ephemeral; nothing
 * here is history): `presence_room_members`, one row per (room, uid, process) written only
 * when that process's view of the member changes, each stamped with the next `seq` of
 * `presence_room_seq` (a counter that never goes back), so a tick reads only the rows changed
 * since its last read (an indexed range); and `presence_room_processes`, one heartbeat per process every 2 s, so a killed
 * process's members leave within 15 s. Writes are queued and flushed once per tick in one
 * transaction; a locked database keeps them queued for the next one. The tables are created
 * at the first exchange, so a site that never uses rooms gets none.
 *
 * A heartbeat is judged on this process's monotonic clock from when its value was seen to
 * change (dated once by the wall clock, at first sight), never by comparing wall times: a
 * system clock set forward would otherwise make every other process look dead (and sweep
 * their rows away for good), and one set back would keep a dead one alive until it caught up.
 */
export class RoomStore implements RoomSharing {
  readonly process = randomBytes(6).toString('base64url');
  readonly #db: Database;
  readonly #monotonic: () => number;
  #tables: Tables | null = null;
  readonly #pending = new Map<string, MemberRow>();
  /** This process's present rows as last queued: written again if another process swept them (see `exchange`). */
  readonly #mine = new Map<string, MemberRow>();
  #lastSeq = 0;
  /** When (monotonic) this process last beat, and the value it wrote. */
  #lastHeartbeat = -Infinity;
  #lastBeatValue = NaN;
  /** Every process seen in the table: its latest heartbeat and when (monotonic) that value was first seen. */
  readonly #beats = new Map<string, { heartbeat: number; at: number }>();
  #live = new Set<string>();
  /**
   * The last `seq` handed out at each heartbeat, with when (monotonic): a leave with a `seq` at or
   * below the one of `TOMBSTONE_MS` ago was written at least that long ago, whatever the wall
   * clock says (set forward, `changed_at` would call a leave written a moment ago 5 minutes old).
   */
  readonly #seqMarks: [mono: number, seq: number][] = [];

  constructor(db: Database, monotonic: () => number) {
    this.#db = db;
    this.#monotonic = monotonic;
  }

  get pending(): boolean {
    return this.#pending.size > 0;
  }

  /** This process's new word on a member, written at the next flush (the last word per member wins). */
  queue(row: Omit<MemberRow, 'process'>): void {
    const key = `${row.room}\n${row.uid}`;
    const mine = { ...row, process: this.process };
    this.#pending.set(key, mine);
    if (row.present) this.#mine.set(key, mine);
    else this.#mine.delete(key);
  }

  /**
   * One tick's exchange: writes what is queued, says this process is alive (every 2 s), and
   * returns the other processes' rows changed since the last read and which processes are alive
   * (`livenessChanged`: one died, forget its rows). Throws (a locked database) with the queue
   * kept for the next tick.
   */
  exchange(now: number): Exchange {
    const tables = (this.#tables ??= roomTables(this.#db));
    const mono = this.#monotonic();
    if (this.#pending.size > 0) {
      tables.write([...this.#pending.values()], now);
      this.#pending.clear();
    }
    let livenessChanged = false;
    let left: Exchange['left'] = [];
    let joined: Exchange['joined'] = [];
    if (mono - this.#lastHeartbeat >= HEARTBEAT_MS) {
      this.#lastHeartbeat = mono;
      // Always a new value, so the others see a beat even when the clock was set back onto the last one.
      const beatBefore = !Number.isNaN(this.#lastBeatValue);
      this.#lastBeatValue = now === this.#lastBeatValue ? now + 1 : now;
      // Gone from the table: another process judged this one dead (stalled past the TTL) and swept
      // its rows; they are written again, so its members do not stay missing for the others.
      // The process that swept them ran onLeave for members no one else held: they join again.
      if (!tables.beat(this.process, this.#lastBeatValue) && beatBefore && this.#mine.size > 0) {
        const back = [...this.#mine.values()];
        joined = back.filter((row) => !tables.heldElsewhere(row.room, row.uid, this.process));
        tables.write(back, now);
      }
      const { gained, lost, dead } = this.#refreshLive(tables, now, mono);
      livenessChanged = lost;
      // A process that came back to life may have rows this one skipped: read everything again.
      if (gained) this.#lastSeq = 0;
      left = tables.sweep(dead, this.#tombstonesUpTo(tables, mono));
    }
    const rows: MemberRow[] = [];
    let refreshed = false;
    for (const raw of tables.changes.all(this.#lastSeq, this.process)) {
      this.#lastSeq = raw[9];
      // A process that started since the last heartbeat read: ask once rather than wait for the next.
      if (!this.#live.has(raw[2]) && !refreshed) {
        refreshed = true;
        if (this.#refreshLive(tables, now, mono).lost) livenessChanged = true;
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
    return { rows, live: this.#live, livenessChanged, left, joined };
  }

  /** The highest `seq` written at least `TOMBSTONE_MS` ago (0: none yet). */
  #tombstonesUpTo(tables: Tables, mono: number): number {
    this.#seqMarks.push([mono, tables.maxSeq()]);
    let upTo = 0;
    while (this.#seqMarks.length > 0 && mono - this.#seqMarks[0]![0] >= TOMBSTONE_MS) upTo = this.#seqMarks.shift()![1];
    return upTo;
  }

  /** Which processes are alive now; `lost`: one that was is not (its members must go); `dead`: those to sweep. */
  #refreshLive(tables: Tables, now: number, mono: number): { gained: boolean; lost: boolean; dead: string[] } {
    const live = new Set<string>();
    const dead: string[] = [];
    const listed = new Set<string>();
    for (const [process, heartbeat] of tables.processes()) {
      listed.add(process);
      let beat = this.#beats.get(process);
      if (beat?.heartbeat !== heartbeat) {
        // First sight: as old as the wall clock says (never from the future); after that, a change is a beat now.
        beat = { heartbeat, at: beat ? mono : mono - Math.max(0, now - heartbeat) };
        this.#beats.set(process, beat);
      }
      if (process === this.process || mono - beat.at < PROCESS_TTL_MS) live.add(process);
      else dead.push(process);
    }
    for (const process of this.#beats.keys()) if (!listed.has(process)) this.#beats.delete(process);
    const lost = [...this.#live].some((p) => !live.has(p));
    const gained = [...live].some((p) => !this.#live.has(p));
    this.#live = live;
    return { gained, lost, dead };
  }
}

interface Tables {
  write: (rows: MemberRow[], at: number) => void;
  changes: Statement<[number, string], Raw>;
  /** Writes a heartbeat; false when the process had none in the table (new, or swept as dead). */
  beat: (process: string, at: number) => boolean;
  processes: () => [process: string, heartbeat: number][];
  /** Deletes the rows of dead processes; returns the members this sweep took the last present row of (their `onLeave`). */
  sweep: (dead: readonly string[], tombstonesUpTo: number) => { room: RoomName; uid: Uid }[];
  maxSeq: () => number;
  /** Whether a process other than `process` holds a present row of this member. */
  heldElsewhere: (room: RoomName, uid: Uid, process: string) => boolean;
}

/** The kit tables, and the prepared statements over them (every name is the kit's own). */
function roomTables(db: Database): Tables {
  db.exec(`CREATE TABLE IF NOT EXISTS presence_room_members (
      room TEXT NOT NULL, uid TEXT NOT NULL, process TEXT NOT NULL, present INTEGER NOT NULL,
      name TEXT NOT NULL, avatar TEXT, since INTEGER NOT NULL, state TEXT, typing_until INTEGER NOT NULL,
      seq INTEGER NOT NULL, changed_at INTEGER NOT NULL, PRIMARY KEY (room, uid, process));
    CREATE INDEX IF NOT EXISTS presence_room_members_seq ON presence_room_members (seq);
    CREATE TABLE IF NOT EXISTS presence_room_processes (process TEXT PRIMARY KEY, heartbeat INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS presence_room_seq (one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL);
    INSERT OR IGNORE INTO presence_room_seq (one, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM presence_room_members;`);
  // The last seq handed out, kept apart from the rows: with every row swept, MAX(seq) would start
  // again at 1, below what the other processes last read, and they would skip the new rows.
  const nextSeq = db.prepare(`UPDATE presence_room_seq SET seq = seq + 1 RETURNING seq`).pluck();
  const upsert = db.prepare(`INSERT INTO presence_room_members
      (room, uid, process, present, name, avatar, since, state, typing_until, seq, changed_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (room, uid, process) DO UPDATE SET present = excluded.present, name = excluded.name,
      avatar = excluded.avatar, since = excluded.since, state = excluded.state,
      typing_until = excluded.typing_until, seq = excluded.seq, changed_at = excluded.changed_at`);
  const hasProcess = db.prepare(`SELECT 1 FROM presence_room_processes WHERE process = ?`).pluck();
  const beat = db.prepare(
    `INSERT INTO presence_room_processes (process, heartbeat) VALUES (?, ?)
     ON CONFLICT (process) DO UPDATE SET heartbeat = excluded.heartbeat`,
  );
  const processes = db.prepare(`SELECT process, heartbeat FROM presence_room_processes`).raw();
  const deadRows = db
    .prepare<[string], [RoomName, Uid, number]>(
      `DELETE FROM presence_room_members WHERE process = ? RETURNING room, uid, present`,
    )
    .raw();
  const stillPresent = db
    .prepare(`SELECT 1 FROM presence_room_members WHERE room = ? AND uid = ? AND present = 1 LIMIT 1`)
    .pluck();
  const presentElsewhere = db
    .prepare(`SELECT 1 FROM presence_room_members WHERE room = ? AND uid = ? AND present = 1 AND process != ? LIMIT 1`)
    .pluck();
  const deadProcess = db.prepare(`DELETE FROM presence_room_processes WHERE process = ?`);
  // Rows of a process swept earlier (by any process on the file), once they are old: a process
  // starting now writes its first rows before its first heartbeat, and they are not orphans.
  // (Readers skip the rows of processes they do not see alive, so waiting costs nothing.)
  const orphans = db.prepare(
    `DELETE FROM presence_room_members WHERE seq <= ? AND process NOT IN (SELECT process FROM presence_room_processes)`,
  );
  const tombstones = db.prepare(`DELETE FROM presence_room_members WHERE present = 0 AND seq <= ?`);
  const maxSeq = db.prepare(`SELECT seq FROM presence_room_seq`).pluck();
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
          nextSeq.get() as number,
          at,
        );
    }),
    changes: db
      .prepare<[number, string], Raw>(
        `SELECT room, uid, process, present, name, avatar, since, state, typing_until, seq
         FROM presence_room_members WHERE seq > ? AND process <> ? ORDER BY seq`,
      )
      .raw(),
    beat: db.transaction((process: string, at: number) => {
      const known = hasProcess.get(process) !== undefined;
      beat.run(process, at);
      return known;
    }),
    processes: () => processes.all() as [string, number][],
    maxSeq: () => maxSeq.get() as number,
    heldElsewhere: (room, uid, process) => presentElsewhere.get(room, uid, process) !== undefined,
    sweep: db.transaction((dead: readonly string[], tombstonesUpTo: number) => {
      const held = new Map<string, { room: RoomName; uid: Uid }>();
      for (const process of dead) {
        for (const [room, uid, present] of deadRows.all(process))
          if (present === 1) held.set(`${room}\n${uid}`, { room, uid });
        deadProcess.run(process);
      }
      orphans.run(tombstonesUpTo);
      tombstones.run(tombstonesUpTo);
      // Only one process deletes a row, so only one calls the hook; none if a live process still holds them.
      return [...held.values()].filter(({ room, uid }) => stillPresent.get(room, uid) === undefined);
    }),
  };
}
