import type { RetryOptions } from './transport.js';

/**
 * When to reconnect after a drop: the delay doubles per failed attempt up to a ceiling, and
 * starts over once a session is greeted. One timer at most, so a drop reported twice (the
 * stream's error and a lost `/subscribe`) waits once.
 */
export class ReconnectBackoff {
  readonly #minMs: number;
  readonly #maxMs: number;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: RetryOptions) {
    this.#minMs = options.minRetryMs ?? 1000;
    this.#maxMs = options.maxRetryMs ?? 30_000;
  }

  /** True while a reconnect waits out its delay. */
  get waiting(): boolean {
    return this.#timer !== undefined;
  }

  /** Calls `retry` after the next delay, unless a reconnect is already waiting. */
  schedule(retry: () => void): void {
    if (this.#timer !== undefined) return;
    const ceiling = Math.min(this.#maxMs, this.#minMs * 2 ** this.#attempt);
    this.#attempt += 1;
    // Jitter spreads the reconnects of every browser after a server restart.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      retry();
    }, delay);
  }

  /** Drops the waiting reconnect, if any; true when there was one (the caller reconnects itself). */
  cancel(): boolean {
    if (this.#timer === undefined) return false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    return true;
  }

  /** A session was greeted (or ended on purpose): the next drop waits the shortest delay again. */
  reset(): void {
    this.#attempt = 0;
  }
}
