import { randomBytes } from 'node:crypto';
import { formatPosition, type StreamPosition, type Uid } from '@presence-kit/core';

/** How many uids' last flips are remembered before the oldest are forgotten (and resume falls back to a full snapshot). */
const REMEMBERED_FLIPS = 100_000;

/**
 * The relay's stream of changes, numbered: every tick that flips someone is one `seq`,
 * and each uid's last flip is remembered so a client that saw everything up to `since`
 * gets only what flipped after. Memory is bounded: past `limit` uids the oldest flips
 * are forgotten and the floor rises to them; a `since` below the floor cannot resume.
 *
 * On SQLite the numbering is this process's; on Redis it is the cluster's (`restart` adopts
 * it, and `record` takes each change's number), so a `since` from one node resumes on another.
 */
export class FlipLog {
  /** Names a numbering: a restart starts a new one, which no old `since` matches. */
  #epoch = randomBytes(6).toString('base64url');
  #seq = 0;
  #floor = 0;
  /** uid → seq of its last flip, oldest first (a flip moves its uid to the end). */
  readonly #lastFlip = new Map<Uid, number>();

  constructor(readonly limit = REMEMBERED_FLIPS) {}

  get epoch(): string {
    return this.#epoch;
  }

  get seq(): number {
    return this.#seq;
  }

  /** `epoch:seq` now: the id of every frame describing the state as of the latest change. */
  get position(): string {
    return formatPosition({ epoch: this.epoch, seq: this.#seq });
  }

  /**
   * Adopts another numbering from `seq` on (the cluster's): nothing before it can be resumed
   * here, since this process did not see those flips.
   */
  restart(epoch: string, seq: number): void {
    this.#epoch = epoch;
    this.#seq = this.#floor = seq;
    this.#lastFlip.clear();
  }

  /** One tick's flips, numbered `seq` (default: the next number); returns the new position. */
  record(uids: readonly Uid[], seq = this.#seq + 1): string {
    this.#seq = seq;
    for (const uid of uids) {
      this.#lastFlip.delete(uid);
      this.#lastFlip.set(uid, this.#seq);
    }
    for (const [uid, seq] of this.#lastFlip) {
      if (this.#lastFlip.size <= this.limit) break;
      this.#lastFlip.delete(uid);
      this.#floor = seq;
    }
    return this.position;
  }

  /** Whether a client's `since` can be resumed from: this epoch, not forgotten, not from the future. */
  resumable(since: StreamPosition | null): since is StreamPosition {
    return since !== null && since.epoch === this.epoch && since.seq >= this.#floor && since.seq <= this.#seq;
  }

  /** Whether `uid` has not flipped after `since` (which must be `resumable`). */
  unchangedSince(uid: Uid, since: StreamPosition): boolean {
    return (this.#lastFlip.get(uid) ?? 0) <= since.seq;
  }

  /** Whether nobody flipped after `since`: the online set, and so every roster window, is the same. */
  nothingSince(since: StreamPosition): boolean {
    return since.seq === this.#seq;
  }
}
