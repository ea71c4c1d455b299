import { shouldWrite, type Uid } from '@presence-kit/core';

/**
 * The per-process write throttle: a map lookup per request, at most one write per
 * user per period. Bounded: entries older than the period no longer throttle
 * anything, so the oldest go first when the map is full.
 */
export class WriteThrottle {
  readonly #lastWrite = new Map<Uid, number>();

  constructor(
    readonly writeSeconds: number,
    readonly maxEntries = 100_000,
  ) {}

  get size(): number {
    return this.#lastWrite.size;
  }

  due(uid: Uid, now: number): boolean {
    return shouldWrite(this.#lastWrite.get(uid), now, this.writeSeconds);
  }

  record(uid: Uid, now: number): void {
    // Re-inserting keeps the Map in write order, so iteration starts at the oldest.
    this.#lastWrite.delete(uid);
    this.#lastWrite.set(uid, now);
    if (this.#lastWrite.size > this.maxEntries) this.#evict(now);
  }

  #evict(now: number): void {
    const expired = now - this.writeSeconds * 1000;
    for (const [uid, at] of this.#lastWrite) {
      // Past the first live entry everything is newer: stop, then trim to size if still full.
      if (at > expired) break;
      this.#lastWrite.delete(uid);
    }
    for (const uid of this.#lastWrite.keys()) {
      if (this.#lastWrite.size <= this.maxEntries) break;
      this.#lastWrite.delete(uid);
    }
  }
}
