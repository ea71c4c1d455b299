import type { PresenceWindow, RosterEntry, Uid } from '@presence-kit/core';
import type { SeenUser, StoredUser } from '../last-seen-store.js';
import { OnlineSet } from '../online-set.js';
import type { PageRow } from '../pages-table.js';
import type { ClusterChange } from './cluster-mirror.js';
import type { RedisKeys } from './keys.js';
import type { ScriptedRedis } from './scripts.js';

/** How many published changes the stream keeps (about): a node further behind resyncs from the published set. */
const STREAM_LENGTH = 1000;
/** How long a hidden or profile change stays readable by the leader. */
const CHANGED_KEEP_MS = 60_000;

export interface LeaderOptions {
  redis: ScriptedRedis;
  keys: RedisKeys;
  node: string;
  window: PresenceWindow;
  now: () => number;
  monotonic: () => number;
  writeSeconds: number;
  retainMs: number;
  /** Idle on: the threshold, else null. */
  idleSeconds: number | null;
}

/** The cluster's numbering as Redis holds it; null when Redis lost it. */
export type ClusterState = { epoch: string; seq: number } | null;

/** How long the leader keeps reading a user's pages after a node last wrote them (then they are trimmed). */
const PAGES_KEEP_MS = 60 * 60_000;
/** How much older than a read a page row may be stamped and still be read: scripts run one at a time, so this is slack. */
const PAGES_LATE_MS = 2000;

/** The rows one read fetched, served to the online set as if it read them itself. */
class FetchedRows {
  rows: StoredUser[] = [];
  pages: PageRow[] = [];
  changedSince = (): PageRow[] => this.pages;
  recentlySeen = (): SeenUser[] => this.rows.filter((row) => row.lastSeen !== null);
  users = (uids: readonly Uid[]): Map<Uid, StoredUser> => {
    const wanted = new Set(uids);
    return new Map(this.rows.filter((row) => wanted.has(row.uid)).map((row) => [row.uid, row]));
  };
}

/**
 * The node holding the lease: steps ONE online set for the cluster (the SQLite engine's
 * `OnlineSet`, fed by one script per tick that reads only what was written since the
 * previous read) and publishes each tick's changes, numbered, in one atomic script that
 * checks it still holds the lease and the numbering it expects.
 *
 * A change it could not confirm stays pending and is settled at the next tick by what Redis
 * holds: published already, published now, or (another leader moved on) step down.
 */
export class ClusterLeader {
  readonly #o: LeaderOptions;
  readonly #online: OnlineSet;
  readonly #rows = new FetchedRows();
  readonly epoch: string;
  seq: number;
  #pending: ClusterChange | undefined;
  /** Where the next read of page rows starts, on Redis's clock: everything kept, at first. */
  #pagesFrom: number | '-inf' = '-inf';

  /** Primed with the set the cluster shows (this node's mirror), so taking over flips no one. */
  constructor(o: LeaderOptions, epoch: string, seq: number, shown: readonly RosterEntry[]) {
    this.#o = o;
    this.epoch = epoch;
    this.seq = seq;
    this.#online = new OnlineSet({
      store: this.#rows,
      pages: this.#rows,
      idleSeconds: o.idleSeconds,
      window: o.window,
      now: o.now,
      monotonic: o.monotonic,
      writeSeconds: o.writeSeconds,
    });
    this.#online.prime(shown);
  }

  /** One tick; false when this node must stop leading (another numbering moved on). */
  async step(state: ClusterState): Promise<boolean> {
    if (state === null) return this.#reseed();
    if (state.epoch !== this.epoch) return false;
    if (this.#pending) {
      if (state.seq === this.#pending.s) this.#published(this.#pending.s);
      else if (state.seq !== this.seq) return false;
      else return this.#publish(this.#pending);
    } else if (state.seq !== this.seq) return false;

    const from = this.#online.nextReadFrom();
    const now = this.#o.now();
    const { keys } = this.#o;
    // Sent together: one round trip for what was written since the previous read.
    const [[uids, scores, hidden, profiles], [pageUids, untils, redisNow]] = await Promise.all([
      this.#o.redis.presenceRead(
        keys.seen,
        keys.changed,
        keys.hidden,
        keys.profiles,
        from,
        now - this.#o.retainMs,
        now - CHANGED_KEEP_MS,
      ),
      this.#o.redis.presencePagesRead(keys.pages, keys.pagesChanged, this.#pagesFrom, PAGES_KEEP_MS),
    ]);
    this.#rows.pages = pageUids.map((uid, i): PageRow => [uid, Number(untils[i])]);
    // Page rows are stamped on Redis's clock when written: the next read starts at this one, less a late commit's 2 s.
    this.#pagesFrom = Number(redisNow) - PAGES_LATE_MS;
    this.#rows.rows = uids.map((uid, i) => {
      const profile = profiles[i] ? (JSON.parse(profiles[i]) as { name: string | null; avatar: string | null }) : null;
      return {
        uid,
        name: profile?.name ?? uid,
        avatar: profile?.avatar ?? null,
        lastSeen: scores[i] === null ? null : Number(scores[i]),
        hidden: hidden[i] === 1,
      };
    });
    const { entered, left, restated = [] } = this.#online.step();
    const update: RosterEntry[] = [];
    const joined = new Set(entered.map((entry) => entry.uid));
    for (const row of this.#rows.rows) {
      const shown = this.#online.get(row.uid);
      if (!shown || joined.has(row.uid) || (shown.name === row.name && shown.avatar === row.avatar)) continue;
      this.#online.profileChanged(row.uid);
      update.push(this.#online.get(row.uid)!);
    }
    this.#rows.rows = [];
    this.#rows.pages = [];
    if (entered.length + left.length + update.length + restated.length === 0) return true;
    const change: ClusterChange = {
      e: this.epoch,
      s: this.seq + 1,
      enter: entered,
      leave: left.map(({ entry, hidden }) => [entry.uid, hidden]),
      update,
    };
    if (restated.length > 0) change.restate = restated;
    return this.#publish(change);
  }

  async #publish(change: ClusterChange): Promise<boolean> {
    this.#pending = change;
    const { redis, keys, node } = this.#o;
    const puts = [...change.enter, ...change.update, ...(change.restate ?? [])];
    const result = await redis.presencePublish(
      keys.leader,
      keys.state,
      keys.online,
      keys.changes,
      node,
      this.epoch,
      this.seq,
      change.s,
      STREAM_LENGTH,
      JSON.stringify(change),
      puts.length,
      ...puts.flatMap((entry) => [entry.uid, JSON.stringify(entry)]),
      ...change.leave.map(([uid]) => uid),
    );
    if (result === -2) return this.#reseed();
    if (result !== 1) return false;
    this.#published(change.s);
    return true;
  }

  /**
   * Redis lost its data: write back the set this leader shows and its numbering (past any
   * change not yet published, so followers see the step and resync to the set).
   */
  async #reseed(): Promise<boolean> {
    const { redis, keys, node } = this.#o;
    const seq = this.#pending?.s ?? this.seq;
    const entries = this.#online.entries.flatMap((entry) => [entry.uid, JSON.stringify(entry)]);
    const result = await redis.presenceReseed(
      keys.leader,
      keys.state,
      keys.online,
      keys.changes,
      node,
      this.epoch,
      seq,
      ...entries,
    );
    if (result !== 1) return false;
    this.#published(seq);
    return true;
  }

  #published(seq: number): void {
    this.seq = seq;
    this.#pending = undefined;
  }
}
