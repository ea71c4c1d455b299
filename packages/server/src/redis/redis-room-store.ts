import type { FaultLog } from '../fault-log.js';
import type { RoomName, Uid } from '@presence-kit/core';
import { PROCESS_TTL_MS, type Exchange, type MemberRow, type RoomSharing } from '../rooms/room-store.js';
import type { RedisKeys } from './keys.js';
import type { ScriptedRedis } from './scripts.js';

/** How many room changes the stream keeps (about): a node further behind reads every member once instead. */
const STREAM_LENGTH = 10_000;
/** After Redis lost its data, how long a node absent from the heartbeats may just not have ticked yet. */
const RESET_SETTLE_MS = 5000;

const memberKey = (row: Pick<MemberRow, 'room' | 'uid'>): string => `${row.room}\n${row.uid}`;
const fieldOf = (row: MemberRow): string => `${row.room}\n${row.uid}\n${row.process}`;
const memberOf = (key: string): { room: RoomName; uid: Uid } => {
  const cut = key.indexOf('\n');
  return { room: key.slice(0, cut), uid: key.slice(cut + 1) };
};

/**
 * Rooms across N nodes on one Redis: the SQLite `RoomStore`'s rows, as one HASH of every
 * node's present members, a change counter and a capped STREAM of changed rows, and a ZSET
 * of node heartbeats (a node silent for 15 s loses its rows, swept by whichever node ticks
 * next). Each tick is one script per node, whatever its rooms and streams: its queued rows
 * go in, the rows changed since its last read come back.
 *
 * The rooms tick never waits on Redis: `exchange` starts a round trip and returns what the
 * previous one brought (one tick later). A failed round trip keeps its rows queued, one per
 * member, for the next tick, so while Redis is unreachable a node keeps serving its own
 * members and catches up after; a node Redis forgot (an outage past the TTL, a restart)
 * writes its members again.
 */
export class RedisRoomStore implements RoomSharing {
  /** Redis counts the nodes holding each member: the first runs `onJoin`, the last `onLeave`, once in the cluster. */
  readonly decidesHooks = true;
  readonly #pending = new Map<string, MemberRow>();
  /** This node's present rows as last written: written again when Redis lost them. */
  readonly #mine = new Map<string, MemberRow>();
  /** Other nodes' present rows as last read (by field), so a full read can tell who is gone. */
  readonly #theirs = new Map<string, MemberRow>();
  #received: MemberRow[] = [];
  #joined: { room: RoomName; uid: Uid }[] = [];
  #left: { room: RoomName; uid: Uid }[] = [];
  #live: ReadonlySet<string> = new Set();
  #livenessChanged = false;
  /** Members written back after Redis lost them: present already, so no new join. */
  readonly #rewrites = new Set<string>();
  #lastSeq = -1;
  #now = 0;
  #settleUntil = 0;
  #inFlight: Promise<void> | undefined;

  constructor(
    readonly redis: ScriptedRedis,
    readonly keys: RedisKeys,
    readonly process: string,
    readonly faults: FaultLog,
  ) {}

  get pending(): boolean {
    return (
      this.#pending.size > 0 ||
      this.#received.length > 0 ||
      this.#livenessChanged ||
      this.#joined.length + this.#left.length > 0
    );
  }

  queue(row: Omit<MemberRow, 'process'>): void {
    this.#pending.set(memberKey(row), { ...row, process: this.process });
    this.#rewrites.delete(memberKey(row));
  }

  exchange(now: number): Exchange {
    this.#now = now;
    this.#inFlight ??= this.#roundTrip().finally(() => (this.#inFlight = undefined));
    const exchanged = {
      rows: this.#received,
      live: this.#live,
      livenessChanged: this.#livenessChanged,
      joined: this.#joined,
      left: this.#left,
    };
    this.#received = [];
    this.#joined = [];
    this.#left = [];
    this.#livenessChanged = false;
    return exchanged;
  }

  /** The round trip under way, if any (tests and a clean stop wait for it). */
  settled(): Promise<void> {
    return this.#inFlight ?? Promise.resolve();
  }

  async #roundTrip(): Promise<void> {
    const rows = [...this.#pending.values()];
    const rewrites = new Set(this.#rewrites);
    this.#pending.clear();
    this.#rewrites.clear();
    const code = (row: MemberRow) => (!row.present ? 0 : rewrites.has(memberKey(row)) ? 2 : 1);
    const { keys } = this;
    let reply;
    try {
      reply = await this.redis.presenceRooms(
        keys.roomMembers,
        keys.roomNodes,
        keys.roomSeq,
        keys.roomChanges,
        keys.roomNodeRowsPrefix + this.process,
        keys.roomCounts,
        this.process,
        PROCESS_TTL_MS,
        this.#lastSeq,
        STREAM_LENGTH,
        keys.roomNodeRowsPrefix,
        rows.length,
        ...rows.flatMap((row) => [fieldOf(row), code(row), JSON.stringify(row)]),
      );
      this.faults.succeeded('sharing rooms through Redis');
    } catch (error) {
      this.faults.failed('sharing rooms through Redis', error);
      // Kept for the next tick, unless a newer word on the member was queued meanwhile.
      for (const row of rows) {
        const key = memberKey(row);
        if (this.#pending.has(key)) continue;
        this.#pending.set(key, row);
        if (rewrites.has(key)) this.#rewrites.add(key);
      }
      return;
    }
    for (const row of rows) {
      if (row.present) this.#mine.set(memberKey(row), row);
      else this.#mine.delete(memberKey(row));
    }
    const [fresh, seq, snapshot, nodes, texts, joins, leaves] = reply;
    this.#joined.push(...joins.map(memberOf));
    this.#left.push(...leaves.map(memberOf));
    // Redis did not know this node (a restart, or it was swept): its members are written again.
    if (fresh === 1)
      for (const [key, row] of this.#mine) {
        if (this.#pending.has(key)) continue;
        this.#pending.set(key, row);
        this.#rewrites.add(key);
      }
    // Redis lost its data (its counter is behind this node's read): every node writes its members back.
    const reset = snapshot === 1 && this.#lastSeq > Number(seq);
    if (reset) this.#settleUntil = this.#now + RESET_SETTLE_MS;
    this.#lastSeq = Number(seq);
    let live = new Set(nodes);
    // Meanwhile a node missing from the heartbeats may only not have ticked since: not dead yet.
    if (this.#now < this.#settleUntil) live = new Set([...live, ...this.#live]);
    if ([...this.#live].some((node) => !live.has(node))) {
      this.#livenessChanged = true;
      for (const [field, row] of this.#theirs) if (!live.has(row.process)) this.#theirs.delete(field);
    }
    this.#live = live;
    const read = texts.map((text) => JSON.parse(text) as MemberRow).filter((row) => row.process !== this.process);
    if (snapshot === 1 && !reset) {
      // Every present member (this node fell behind the stream): those it knew and Redis no longer holds have left.
      const present = new Set(read.map(fieldOf));
      for (const [field, row] of this.#theirs) if (!present.has(field)) read.push({ ...row, present: false });
    }
    for (const row of read) {
      if (!live.has(row.process)) continue;
      if (row.present) this.#theirs.set(fieldOf(row), row);
      else this.#theirs.delete(fieldOf(row));
      this.#received.push(row);
    }
  }
}
