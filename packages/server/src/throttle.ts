import { shouldWrite, type Uid } from '@presence-kit/core';

/**
 * The per-process write throttle: a map lookup per request, at most one write per
 * user per period. Bounded: entries older than the period no longer throttle
 * anything, so the oldest go first when the map is full.
 *
 * Activity it holds back is remembered and written when the period ends (a trailing
 * write), so the stored time never lags real activity by more than one period. Without
 * it, a write period longer than the hysteresis margin could show an active user offline.
 */
export class WriteThrottle {
  readonly #lastWrite = new Map<Uid, number>();
  /** The latest activity the throttle held back, per user, not yet written. */
  readonly #deferred = new Map<Uid, number>();

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

  /** Remembers activity that was not written because a write is not due yet. */
  defer(uid: Uid, at: number): void {
    this.#deferred.set(uid, at);
    // Bounded like the rest: past the cap the oldest held-back activity is forgotten.
    if (this.#deferred.size > this.maxEntries) this.#deferred.delete(this.#deferred.keys().next().value!);
  }

  /** Held-back activity whose write is due now (or all of it, e.g. on shutdown), as [uid, time]. */
  deferred(now: number, all = false): [Uid, number][] {
    const due: [Uid, number][] = [];
    for (const [uid, at] of this.#deferred) if (all || this.due(uid, now)) due.push([uid, at]);
    return due;
  }

  record(uid: Uid, now: number): void {
    this.#deferred.delete(uid);
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
