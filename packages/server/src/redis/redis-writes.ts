import type { Uid } from '@presence-kit/core';
import type { ActivityWrites } from '../engine.js';
import type { FaultLog } from '../fault-log.js';
import type { UserProfile } from '../last-seen-store.js';
import type { PageRow } from '../pages-table.js';
import type { RedisKeys } from './keys.js';
import type { ScriptedRedis } from './scripts.js';

/** How long a node's page entry of a user is kept after it was written (the leader trims users after as long). */
const PAGES_KEEP_MS = 60 * 60_000;

/** How often writes that failed (Redis down or stalled) are tried again. */
const RETRY_MS = 1000;

/**
 * Every write presence makes to Redis, queued in memory and sent in one batch on the next
 * turn of the event loop: the host's request never waits on Redis, and a burst of activity
 * is one `ZADD … GT` (only ever moving a `last_seen` forward, whichever node writes).
 *
 * A failed batch stays queued and is retried; each queue holds at most `maxEntries` users
 * (the oldest are forgotten first), so an outage cannot grow memory without bound.
 */
export class RedisWrites implements ActivityWrites {
  readonly #seen = new Map<Uid, number>();
  readonly #profiles = new Map<Uid, string>();
  readonly #hidden = new Map<Uid, boolean>();
  /** This node's open pages per user (`open-pages.ts`): until, ahead while open, the closing once closed. */
  readonly #pages = new Map<Uid, number>();
  #node = '';
  /** Someone written in the next batch is not shown online: the batch asks the leader to tick now. */
  #nudge = false;
  #scheduled = false;
  #sending = false;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly redis: ScriptedRedis,
    readonly keys: RedisKeys,
    readonly maxEntries: number,
    readonly faults: FaultLog,
    readonly now: () => number,
    /** Whether the cluster shows this user online already (not idle: their activity changes that, so it nudges). */
    readonly shown: (uid: Uid) => boolean,
  ) {}

  /** Queued, not sent: true means "recorded", so the throttle counts it. */
  touch = (uid: Uid, at: number): boolean => {
    if (!this.shown(uid)) this.#nudge = true;
    this.#queue(this.#seen, uid, Math.max(at, this.#seen.get(uid) ?? 0));
    return true;
  };

  touchIfNewer = this.touch;

  upsertUser(profile: UserProfile): void {
    this.#queue(
      this.#profiles,
      profile.uid,
      JSON.stringify({ name: profile.name ?? null, avatar: profile.avatar ?? null }),
    );
  }

  setHidden(uid: Uid, hidden: boolean): void {
    this.#queue(this.#hidden, uid, hidden);
  }

  /** Queues this node's page rows (`OpenPages` writes through here); a page opening for someone not shown nudges the leader. */
  pages = (node: string, rows: readonly PageRow[], now: number): void => {
    this.#node = node;
    for (const [uid, until] of rows) {
      if (until > now && !this.shown(uid)) this.#nudge = true;
      this.#queue(this.#pages, uid, until);
    }
  };

  /** How many writes wait to be sent. */
  get pending(): number {
    return this.#seen.size + this.#profiles.size + this.#hidden.size + this.#pages.size;
  }

  /** Sends what is queued now; resolves when Redis answered (or failed). */
  async flush(): Promise<void> {
    if (this.#sending || this.pending === 0) return;
    this.#sending = true;
    const seen = [...this.#seen];
    const profiles = [...this.#profiles];
    const hidden = [...this.#hidden];
    const pages = [...this.#pages];
    this.#pages.clear();
    this.#seen.clear();
    this.#profiles.clear();
    this.#hidden.clear();
    const multi = this.redis.multi();
    if (seen.length > 0) multi.zadd(this.keys.seen, 'GT', ...seen.flatMap(([uid, at]) => [at, uid]));
    const changedAt = this.now();
    for (const [uid, json] of profiles) multi.hset(this.keys.profiles, uid, json);
    for (const [uid, on] of hidden) {
      if (on) multi.sadd(this.keys.hidden, uid);
      else multi.srem(this.keys.hidden, uid);
    }
    // The leader reads changed users again: neither hiding nor a new name moves last_seen.
    const changed = [...new Set([...profiles.map(([uid]) => uid), ...hidden.map(([uid]) => uid)])];
    if (changed.length > 0) multi.zadd(this.keys.changed, ...changed.flatMap((uid) => [changedAt, uid]));
    // After the writes in the same transaction, so the tick it starts reads them: "quick on" across nodes.
    const nudge = this.#nudge || changed.length > 0;
    this.#nudge = false;
    try {
      // Before the nudge, so the tick it starts reads them.
      if (pages.length > 0)
        await this.redis.presencePagesWrite(
          this.keys.pages,
          this.keys.pagesChanged,
          this.#node,
          PAGES_KEEP_MS,
          ...pages.flat(),
        );
      if (nudge) multi.publish(this.keys.nudge, '');
      await multi.exec();
      this.faults.succeeded('writing to Redis');
    } catch (error) {
      this.faults.failed('writing to Redis', error);
      this.#nudge ||= nudge;
      // Put back what newer writes did not replace, and try again shortly.
      for (const [uid, at] of seen) this.#queue(this.#seen, uid, Math.max(at, this.#seen.get(uid) ?? 0), false);
      for (const [uid, json] of profiles) if (!this.#profiles.has(uid)) this.#queue(this.#profiles, uid, json, false);
      for (const [uid, on] of hidden) if (!this.#hidden.has(uid)) this.#queue(this.#hidden, uid, on, false);
      for (const [uid, until] of pages) if (!this.#pages.has(uid)) this.#queue(this.#pages, uid, until, false);
      this.#retry ??= setTimeout(() => {
        this.#retry = undefined;
        this.#schedule();
      }, RETRY_MS);
      this.#retry.unref?.();
    } finally {
      this.#sending = false;
    }
    // Queued while this batch was on its way.
    if (!this.#retry && this.pending > 0) this.#schedule();
  }

  close(): void {
    clearTimeout(this.#retry);
  }

  #queue<V>(map: Map<Uid, V>, uid: Uid, value: V, schedule = true): void {
    map.delete(uid);
    map.set(uid, value);
    if (map.size > this.maxEntries) map.delete(map.keys().next().value!);
    if (schedule && !this.#retry) this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.flush();
    });
  }
}
