import type { Database } from 'better-sqlite3';
import { isValidUid, shouldWrite, type Uid } from '@presence-kit/core';
import type { FaultLog } from './fault-log.js';
import type { LastSeenStore } from './last-seen-store.js';

export interface ActivityRecorderOptions {
  store: Pick<LastSeenStore, 'touch' | 'touchIfNewer'>;
  /** At most one write per user per this many seconds, per process. */
  writeSeconds: number;
  /** How many users the throttle remembers (last writes, and held-back activity), each. */
  maxEntries: number;
  /** The clock (epoch ms). */
  now: () => number;
  faults: FaultLog;
  /**
   * The host's own connection, when the host passed one in: each write runs on it without
   * waiting on a lock and then restores the host's busy timeout. Unset when the kit opened
   * the database itself (already set never to wait).
   */
  hostDb?: Database;
}

/**
 * Turns activity into `last_seen` writes: a map lookup per request, at most one write per
 * user per period, per process. Activity it holds back is remembered and written when the
 * period ends (a trailing write), so the stored time never lags real activity by more than
 * one period; without it, a write period longer than the hysteresis margin could show an
 * active user offline. A failed write records nothing, so it is retried: on the user's
 * next request, or the next sweep.
 *
 * Bounded: entries older than the period no longer throttle anything, so the oldest go
 * first when a map is full.
 */
export class ActivityRecorder {
  readonly #o: ActivityRecorderOptions;
  readonly #write: LastSeenStore['touch'];
  readonly #writeIfNewer: LastSeenStore['touchIfNewer'];
  /** When each user was last written, oldest first. */
  readonly #lastWrite = new Map<Uid, number>();
  /** The latest activity held back, per user, not yet written. */
  readonly #deferred = new Map<Uid, number>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: ActivityRecorderOptions) {
    this.#o = options;
    const { store, hostDb } = options;
    this.#write = hostDb ? failFast(hostDb, store.touch) : store.touch;
    this.#writeIfNewer = hostDb ? failFast(hostDb, store.touchIfNewer) : store.touchIfNewer;
  }

  /**
   * Records activity for a uid: written at once when due, else held back and written when
   * the period ends. Returns true when it wrote now. Never throws; a value that is not a
   * valid uid is skipped and logged (at most once a minute).
   */
  record(uid: Uid): boolean {
    // The endpoints refuse what this rule refuses, so nothing else may reach the table or the roster.
    if (!isValidUid(uid)) {
      this.#o.faults.occurred(
        'invalid uid',
        `skipped activity for ${shown(uid)}: a uid is 1-64 letters, digits or _ . : @ -; return ids like that from resolveUser`,
      );
      return false;
    }
    const now = this.#o.now();
    if (!this.#due(uid, now)) {
      this.#defer(uid, now);
      return false;
    }
    return this.#attempt(uid, now, () => this.#write(uid, now));
  }

  /**
   * The user's next activity is written at once, whatever the throttle says: their last page
   * closed, so activity after it (a request from a page without the elements) must reach the
   * online set before the margin ends their presence, not a write period later.
   */
  unthrottle(uid: Uid): void {
    this.#lastWrite.delete(uid);
  }

  /** Trailing writes: held-back activity whose period has ended (all of it on shutdown). */
  flush(all = false): void {
    const now = this.#o.now();
    const due: [Uid, number][] = [];
    for (const [uid, at] of this.#deferred) if (all || this.#due(uid, now)) due.push([uid, at]);
    // Each write records its own time: a long sweep must not backdate the later ones.
    for (const [uid, at] of due) this.#attempt(uid, this.#o.now(), () => this.#writeIfNewer(uid, at));
  }

  /** Flushes by itself about once a second (more often for very short write periods). */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.flush(), Math.min(1000, this.#o.writeSeconds * 250));
    // Presence never keeps a process alive on its own.
    this.#timer.unref?.();
  }

  /** Stops the sweep and writes everything held back, so a clean stop loses none of it. */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.flush(true);
  }

  #due(uid: Uid, now: number): boolean {
    return shouldWrite(this.#lastWrite.get(uid), now, this.#o.writeSeconds);
  }

  #defer(uid: Uid, at: number): void {
    this.#deferred.set(uid, at);
    // Past the cap the oldest held-back activity is forgotten.
    if (this.#deferred.size > this.#o.maxEntries) this.#deferred.delete(this.#deferred.keys().next().value!);
  }

  /** One write; on failure nothing is recorded, so it is retried (next request or next sweep). */
  #attempt(uid: Uid, now: number, run: () => boolean): boolean {
    try {
      run();
    } catch (error) {
      this.#o.faults.failed('recording activity', error);
      return false;
    }
    this.#o.faults.succeeded('recording activity');
    this.#deferred.delete(uid);
    // Re-inserting keeps the Map in write order, so iteration starts at the oldest.
    this.#lastWrite.delete(uid);
    this.#lastWrite.set(uid, now);
    if (this.#lastWrite.size > this.#o.maxEntries) this.#evict(now);
    return true;
  }

  #evict(now: number): void {
    const expired = now - this.#o.writeSeconds * 1000;
    for (const [uid, at] of this.#lastWrite) {
      // Past the first live entry everything is newer: stop, then trim to size if still full.
      if (at > expired) break;
      this.#lastWrite.delete(uid);
    }
    for (const uid of this.#lastWrite.keys()) {
      if (this.#lastWrite.size <= this.#o.maxEntries) break;
      this.#lastWrite.delete(uid);
    }
  }
}

/**
 * Runs a write on the host's own connection without waiting on a lock, then restores
 * the host's busy timeout: better-sqlite3 waits synchronously, which would stall every request.
 */
export function failFast<A extends unknown[], R>(db: Database, write: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    const hostTimeout = db.pragma('busy_timeout', { simple: true }) as number;
    if (hostTimeout === 0) return write(...args);
    db.pragma('busy_timeout = 0');
    try {
      return write(...args);
    } finally {
      db.pragma(`busy_timeout = ${Number(hostTimeout)}`);
    }
  };
}

/** A value for a log line: quoted, and short, whatever the host handed over. */
function shown(value: unknown): string {
  const text = String(value);
  return JSON.stringify(text.length > 20 ? `${text.slice(0, 20)}…` : text);
}
