import type { RosterDeltaFrame } from '@presence-kit/core';
import type { WindowSize } from './sessions.js';

/**
 * Holds back roster frames that change only the count. At 10,000 online almost every tick
 * changes the count while the first 12 stay the same, and one `{"t":…,"count":10001}` frame a
 * second per watcher is most of what a roster window costs (BENCHMARKS.md §12). So per window
 * size, a count-only frame goes at most once per `periodMs`; one that comes sooner is held and
 * sent when the period ends (`flush`), or goes with the next frame that changes the window
 * (every delta carries the current count). A change inside the window is never held.
 */
export class CountThrottle {
  /** Per window size: when (monotonic ms) its last count-only frame went. */
  readonly #sentAt = new Map<WindowSize, number>();
  /** Window sizes whose newest count has not been sent. */
  readonly #held = new Set<WindowSize>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When (monotonic ms) what is held is due. */
  #dueAt: number | undefined;

  constructor(
    readonly periodMs: number,
    readonly monotonic: () => number,
    /** Sends the current count to every window of these sizes. */
    readonly flush: (sizes: ReadonlySet<WindowSize>) => void,
  ) {}

  /** Whether this delta goes now; false: held, it will go when the period ends. */
  admit(size: WindowSize, delta: RosterDeltaFrame): boolean {
    if (delta.join || delta.leave || this.periodMs <= 0) {
      this.#held.delete(size);
      return true;
    }
    const now = this.monotonic();
    const last = this.#sentAt.get(size);
    if (last === undefined || now - last >= this.periodMs || now < last) {
      this.#sentAt.set(size, now);
      this.#held.delete(size);
      return true;
    }
    this.#held.add(size);
    this.#schedule(last + this.periodMs - now);
    return false;
  }

  /** Sends what is held if its period has ended: every tick asks, so a fake clock releases it too. */
  releaseDue(): void {
    if (this.#dueAt !== undefined && this.monotonic() >= this.#dueAt) this.release();
  }

  /** Sends what is held now (its timer calls it when the period ends). */
  release(): void {
    clearTimeout(this.#timer);
    this.#timer = this.#dueAt = undefined;
    if (this.#held.size === 0) return;
    const sizes = new Set(this.#held);
    this.#held.clear();
    const now = this.monotonic();
    for (const size of sizes) this.#sentAt.set(size, now);
    this.flush(sizes);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = this.#dueAt = undefined;
    this.#held.clear();
  }

  #schedule(ms: number): void {
    if (this.#timer) return;
    this.#dueAt = this.monotonic() + ms;
    this.#timer = setTimeout(() => this.release(), Math.max(0, ms));
    // Presence never keeps a process alive on its own.
    this.#timer.unref?.();
  }
}
