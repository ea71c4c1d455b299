import type { Redis } from 'ioredis';
import type { RosterEntry } from '@presence-kit/core';
import type { FaultLog } from '../fault-log.js';
import type { Relay } from '../relay.js';
import { ClusterLeader, type ClusterState, type LeaderOptions } from './cluster-leader.js';
import type { ClusterChange, ClusterMirror } from './cluster-mirror.js';

/** How long one XREAD waits for a change before asking again. */
const BLOCK_MS = 2000;

export interface ClusterNodeOptions extends LeaderOptions {
  /** A connection of its own for the blocking stream read. */
  blocking: Redis;
  mirror: ClusterMirror;
  tickMs: number;
  faults: FaultLog;
}

/**
 * One node's part in the cluster. Every tick it renews or tries to take the leader lease
 * (one script, which also returns the cluster's numbering) and, holding it, steps the
 * cluster's online set (`ClusterLeader`). Meanwhile it follows the stream of published
 * changes, in order, applying each to its mirror and its relay's sessions; a gap (it fell
 * behind the stream's cap) or a new numbering makes it resync to the published set.
 */
export class ClusterNode {
  readonly #o: ClusterNodeOptions;
  #relay: Relay | undefined;
  #leader: ClusterLeader | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #ticking = false;
  /** A nudge came during a tick: tick again right after it. */
  #again = false;
  #resyncing: Promise<void> | undefined;
  /** The mirror's seq when a tick last found it behind the published one: still there a tick later means stuck. */
  #behindAt: number | undefined;
  #closed = false;

  constructor(o: ClusterNodeOptions) {
    this.#o = o;
  }

  get leading(): boolean {
    return this.#leader !== undefined;
  }

  /** Loads the published set before this node serves, so it starts showing what the others show. */
  async start(relay: Relay): Promise<void> {
    this.#relay = relay;
    await this.#resync();
    await this.tick();
    this.#timer = setInterval(() => void this.tick(), this.#o.tickMs);
    this.#timer.unref?.();
    void this.#follow();
  }

  /** Someone not shown online became active somewhere: the leader ticks now rather than at its next tick. */
  nudge(): void {
    if (this.#leader) void this.tick();
  }

  async tick(): Promise<void> {
    if (this.#closed) return;
    if (this.#ticking) {
      this.#again = true;
      return;
    }
    this.#ticking = true;
    const { redis, keys, node, mirror } = this.#o;
    try {
      const [role, epoch, seq] = await redis.presenceLease(keys.leader, keys.state, node, this.#leaseMs);
      const state: ClusterState = epoch === null ? null : { epoch, seq: Number(seq) };
      if (state) await this.#check(state);
      if (role === 0) {
        this.#leader = undefined;
      } else {
        if (!this.#leader) {
          // Taking over: start from exactly the published set.
          if (state && (mirror.epoch !== state.epoch || mirror.seq !== state.seq)) await this.#resync();
          this.#leader = new ClusterLeader(this.#o, mirror.epoch, mirror.seq, [...mirror.entries]);
        }
        if (!(await this.#leader.step(state))) this.#leader = undefined;
      }
      this.#o.faults.succeeded('the cluster tick');
    } catch (error) {
      // The leader keeps its set: after an outage it carries on from what it knew.
      this.#o.faults.failed('the cluster tick', error);
    } finally {
      this.#ticking = false;
    }
    if (this.#again) {
      this.#again = false;
      await this.tick();
    }
  }

  /** Stops ticking and following; gives the lease up so another node leads at its next tick. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#o.blocking.disconnect();
    if (this.#leader) await this.#o.redis.presenceRelease(this.#o.keys.leader, this.#o.node).catch(() => {});
  }

  /** A lease outlives a few missed renewals; a dead leader's runs out within it. */
  get #leaseMs(): number {
    return Math.max(3 * this.#o.tickMs, 2000);
  }

  async #check(state: NonNullable<ClusterState>): Promise<void> {
    const { mirror } = this.#o;
    if (state.epoch !== mirror.epoch || state.seq < mirror.seq) return this.#resync();
    if (state.seq === mirror.seq) {
      this.#behindAt = undefined;
    } else if (this.#behindAt === mirror.seq) {
      await this.#resync();
    } else {
      this.#behindAt = mirror.seq;
    }
  }

  async #follow(): Promise<void> {
    const { blocking, keys, mirror } = this.#o;
    while (!this.#closed) {
      try {
        await this.#resyncing;
        const reply = (await blocking.xread(
          'COUNT',
          100,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          keys.changes,
          `${mirror.seq}-1`,
        )) as [string, [string, string[]][]][] | null;
        for (const [, entries] of reply ?? [])
          for (const [, fields] of entries) this.#receive(JSON.parse(fields[1]!) as ClusterChange);
        this.#o.faults.succeeded('following the cluster');
      } catch (error) {
        if (this.#closed) return;
        this.#o.faults.failed('following the cluster', error);
        await new Promise((resolve) => setTimeout(resolve, this.#o.tickMs).unref?.());
      }
    }
  }

  #receive(change: ClusterChange): void {
    const { mirror } = this.#o;
    // Read while a resync ran, or twice: the next read starts after the mirror's seq.
    if (this.#resyncing || (change.e === mirror.epoch && change.s <= mirror.seq)) return;
    if (change.e !== mirror.epoch || change.s !== mirror.seq + 1) {
      void this.#resync().catch((error: unknown) => this.#o.faults.failed('following the cluster', error));
      return;
    }
    this.#relay!.apply(mirror.apply(change), change.s);
  }

  /** Becomes the published set, pushing the difference to this node's sessions (one at a time). */
  #resync(): Promise<void> {
    this.#resyncing ??= this.#load().finally(() => (this.#resyncing = undefined));
    return this.#resyncing;
  }

  async #load(): Promise<void> {
    const { redis, keys, mirror } = this.#o;
    const replies = await redis.multi().hmget(keys.state, 'epoch', 'seq').hgetall(keys.online).exec();
    const [[, state], [, online]] = replies as [[null, (string | null)[]], [null, Record<string, string>]];
    const [epoch, seqText] = state;
    if (!epoch) return;
    const published = Object.values(online).map((json) => JSON.parse(json) as RosterEntry);
    const leaving = mirror.entries.filter((entry) => !(entry.uid in online)).map((entry) => entry.uid);
    const flags = leaving.length > 0 ? ((await redis.smismember(keys.hidden, ...leaving)) as number[]) : [];
    const relay = this.#relay!;
    const seq = Number(seqText);
    // Flips before this seq were not all seen here: a `since` before it gets a full snapshot.
    relay.log.restart(epoch, seq);
    relay.apply(mirror.resync(epoch, seq, published, new Set(leaving.filter((_, i) => flags[i] === 1))), seq);
    this.#behindAt = undefined;
  }
}
