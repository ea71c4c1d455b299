/**
 * Reports a recurring fault once per episode: the first failure, then one line when
 * it recovers, instead of one line per request while, say, the database is locked.
 */
export class FaultLog {
  readonly #failures = new Map<string, number>();

  constructor(readonly log: (message: string) => void) {}

  failed(what: string, error: unknown): void {
    const count = (this.#failures.get(what) ?? 0) + 1;
    this.#failures.set(what, count);
    if (count === 1) {
      const reason = error instanceof Error ? error.message : String(error);
      this.log(`presence-kit: ${what} failed (${reason}); skipping it until it works again.`);
    }
  }

  succeeded(what: string): void {
    const count = this.#failures.get(what);
    if (count === undefined) return;
    this.#failures.delete(what);
    this.log(`presence-kit: ${what} works again after ${count} failure${count === 1 ? '' : 's'}.`);
  }

  /** How many failures the current episode of `what` has had (0 when healthy). */
  failures(what: string): number {
    return this.#failures.get(what) ?? 0;
  }
}
