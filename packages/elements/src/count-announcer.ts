import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Screen readers hear the count once it has been stable this long… */
const SETTLE_MS = 1000;
/** …and at most this often, however busy the roster is. */
const INTERVAL_MS = 10_000;

/**
 * What `<online-now>` says in its polite live region: the count once it settles, at
 * most every few seconds, never on every blip (a busy roster would talk constantly).
 */
export class CountAnnouncer implements ReactiveController {
  /** The text of the live region. */
  text = '';
  readonly #host: ReactiveControllerHost;
  readonly #count: () => number;
  readonly #words: (count: number) => string;
  #announced: number | null = null;
  #lastAt = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: ReactiveControllerHost, count: () => number, words = (n: number) => `${n} online`) {
    this.#host = host;
    this.#count = count;
    this.#words = words;
    host.addController(this);
  }

  /** The count the page already shows (first render, server-rendered list): nothing to announce. */
  baseline(count: number): void {
    this.#announced = count;
  }

  /** The count may have changed: announce it once it settles. */
  changed(): void {
    if (this.#timer !== undefined || this.#count() === this.#announced) return;
    const wait = Math.max(SETTLE_MS, this.#lastAt + INTERVAL_MS - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const count = this.#count();
      if (count === this.#announced) return;
      this.#announced = count;
      this.#lastAt = Date.now();
      this.text = this.#words(count);
      this.#host.requestUpdate();
    }, wait);
  }

  hostDisconnected(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
