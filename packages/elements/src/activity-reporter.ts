/**
 * The browser's activity reports for one endpoint, sent by whoever holds the one connection
 * (the SharedWorker, the leader tab, or a lone tab): `POST {endpoint}/activity` at most once per
 * write period (the hello's `write`; else half the window's timeout), and only when some tab
 * saw an interaction since the last report. So ten tabs cost one report a period, and a hidden
 * or untouched browser sends none. The server's activity middleware counts it as the signed-in
 * user's request; the first interaction after a quiet spell is reported at once, so a person
 * coming back turns green without waiting out a period.
 */
export class ActivityReporter {
  readonly #url: string;
  readonly #periodSeconds: () => number;
  #lastReport = -Infinity;
  #pending = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** Set when the server has no such route (one older than page reports): nothing more is sent to it. */
  #unsupported = false;

  constructor(endpoint: string, periodSeconds: () => number) {
    this.#url = `${endpoint}/activity`;
    this.#periodSeconds = periodSeconds;
  }

  /** A tab saw the person interact. */
  interacted(): void {
    if (this.#unsupported) return;
    this.#pending = true;
    if (this.#timer !== null) return;
    const wait = this.#lastReport + this.#periodSeconds() * 1000 - performance.now();
    if (wait <= 0) this.#report();
    else this.#timer = setTimeout(() => this.#report(), wait);
  }

  close(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#pending = false;
  }

  #report(): void {
    this.#timer = null;
    if (!this.#pending) return;
    this.#pending = false;
    this.#lastReport = performance.now();
    // Credentials as the stream sends them (same origin); keepalive lets a report outlive a closing tab.
    fetch(this.#url, { method: 'POST', keepalive: true, credentials: 'same-origin' })
      .then((answer) => {
        if (answer.status === 404 || answer.status === 405) this.#unsupported = true;
      })
      .catch(() => {
        // A lost report is one period of activity; the next interaction tries again.
      });
  }
}
