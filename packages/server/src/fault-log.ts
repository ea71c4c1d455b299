/** How often a fault that keeps happening is reported at most. */
const REPEAT_INTERVAL_MS = 60_000;

/**
 * Keeps the host's log readable under faults that repeat. A fault with a recovery (the
 * database is locked) is reported once per episode: the first failure, then one line when
 * it works again. A fault with no recovery to wait for (a bad uid, a failed request) is
 * reported at once, then at most once a minute with how many were held back.
 */
export class FaultLog {
  readonly #failures = new Map<string, number>();
  /** Per kind of repeating fault: when it was last reported, and how many came since. */
  readonly #repeats = new Map<string, { at: number; held: number }>();

  /** `clock` is monotonic milliseconds (the presence `monotonic` option). */
  constructor(
    readonly log: (message: string) => void,
    readonly clock: () => number = () => performance.now(),
  ) {}

  failed(what: string, error: unknown): void {
    const count = (this.#failures.get(what) ?? 0) + 1;
    this.#failures.set(what, count);
    if (count === 1) {
      this.log(`presence-kit: ${what} failed (${reasonOf(error)}); skipping it until it works again.`);
    }
  }

  succeeded(what: string): void {
    const count = this.#failures.get(what);
    if (count === undefined) return;
    this.#failures.delete(what);
    this.log(`presence-kit: ${what} works again after ${count} failure${count === 1 ? '' : 's'}.`);
  }

  /** Reports one occurrence of a repeating fault of kind `kind`; `message` is one sentence without its full stop. */
  occurred(kind: string, message: string): void {
    const now = this.clock();
    const last = this.#repeats.get(kind);
    if (last && now - last.at < REPEAT_INTERVAL_MS) {
      last.held++;
      return;
    }
    this.#repeats.set(kind, { at: now, held: 0 });
    const held = last?.held ? ` (${last.held} more like it since the last report; at most one report a minute)` : '';
    this.log(`presence-kit: ${message}${held}.`);
  }
}

export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
