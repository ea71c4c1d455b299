import { randomBytes } from 'node:crypto';
import type { Uid } from '@presence-kit/core';
import type { FaultLog } from './fault-log.js';
import type { PageRow } from './pages-table.js';

export interface OpenPagesOptions {
  /** Stores this process's rows where every process (every node) reads them; throws when it could not. */
  write: (node: string, rows: readonly PageRow[], now: number) => void;
  /** Open pages are written again once per this period. */
  writeSeconds: number;
  /** The hysteresis margin: a closing is written within a quarter of it. */
  marginSeconds: number;
  now: () => number;
  /** A clock that never jumps (ms): how long ago a page closed is measured on it. */
  monotonic: () => number;
  faults: FaultLog;
}

/**
 * How long a last page's closing waits before it is written: a quarter of the margin, 1–5 s. A
 * reload or a navigation whose next page opens its stream meanwhile writes nothing, and the
 * closing, dated when it happened, still reaches every online set well inside the margin.
 */
function closingDelayMs(marginSeconds: number): number {
  return Math.min(5000, Math.max(1000, marginSeconds * 250));
}

/**
 * This process's open pages: the sessions of signed-in users, counted per user. Only a user's
 * first page opening and last page closing are written (the closing a few seconds later, with
 * the time it happened, and not at all when a page of theirs opened again meanwhile), plus each
 * user's row again once per write period while a page is open, a period after it was last
 * written (so refreshes spread over the period as pages opened, rather than all at once): its
 * `until` moves two periods ahead, so a process that dies leaves its users' pages to run out.
 * Writes are O(users with open pages) per period, never per request.
 */
export class OpenPages {
  /** Names this process's rows. */
  readonly node = randomBytes(6).toString('base64url');
  readonly #o: OpenPagesOptions;
  readonly #closingMs: number;
  readonly #open = new Map<Uid, number>();
  /** Users whose last page closed, when (monotonic), not written yet. */
  readonly #closing = new Map<Uid, number>();
  /** When each user's row last said "open", oldest first: the refresh order. */
  readonly #refreshed = new Map<Uid, number>();
  /** Rows not written yet (a failed write is retried), by uid: the latest wins. */
  readonly #unwritten = new Map<Uid, number>();
  /** Told when a user's last page in this process closed. */
  onLeft: (uid: Uid) => void = () => {};

  constructor(options: OpenPagesOptions) {
    this.#o = options;
    this.#closingMs = closingDelayMs(options.marginSeconds);
  }

  /** How many users have a page open in this process. */
  get users(): number {
    return this.#open.size;
  }

  opened(uid: Uid): void {
    const count = this.#open.get(uid) ?? 0;
    this.#open.set(uid, count + 1);
    // Reopened before its closing was written: the row still says open.
    if (count === 0 && !this.#closing.delete(uid)) this.#flush([this.#openRow(uid, this.#o.now())]);
  }

  closed(uid: Uid): void {
    const count = this.#open.get(uid) ?? 0;
    if (count > 1) return void this.#open.set(uid, count - 1);
    if (count === 0) return;
    this.#open.delete(uid);
    this.#closing.set(uid, this.#o.monotonic());
    this.onLeft(uid);
  }

  /**
   * Retries what failed and, once a period, writes every open page again. Called at every tick
   * of the process (just before its online set reads the pages), so a page is never read as run out.
   */
  sweep(): void {
    const now = this.#o.now();
    const mono = this.#o.monotonic();
    const rows: PageRow[] = [];
    for (const [uid, at] of this.#closing) {
      // Oldest first: the rest closed later.
      if (mono - at < this.#closingMs && mono >= at) break;
      rows.push([uid, this.#closedAt(at, now, mono)]);
      this.#closing.delete(uid);
      this.#refreshed.delete(uid);
    }
    // Collected before any is rewritten: a rewritten row moves to the end of the order, and must
    // not be met again in the same pass (a clock that moved on or back meanwhile never ends it).
    const due: Uid[] = [];
    for (const [uid, at] of this.#refreshed) {
      if (now - at < this.#o.writeSeconds * 1000 && now >= at) break;
      // Closed a moment ago, its closing not written yet.
      if (this.#open.has(uid)) due.push(uid);
    }
    for (const uid of due) rows.push(this.#openRow(uid, now));
    this.#flush(rows);
  }

  /** Every page of this process closes now (a clean stop): its users leave after the margin unless they reconnect elsewhere. */
  close(): void {
    const now = this.#o.now();
    const mono = this.#o.monotonic();
    const rows = [
      ...[...this.#closing].map(([uid, at]): PageRow => [uid, this.#closedAt(at, now, mono)]),
      ...[...this.#open.keys()].map((uid): PageRow => [uid, now]),
    ];
    this.#open.clear();
    this.#closing.clear();
    this.#refreshed.clear();
    this.#flush(rows);
  }

  /**
   * A closing's wall time as of now: as long ago as it happened. Not the wall time read when it
   * happened: a clock set back meanwhile would make the closing lie minutes ahead, and its user
   * stay present until then.
   */
  #closedAt(at: number, now: number, mono: number): number {
    return now - Math.max(0, mono - at);
  }

  /** A row saying "open" for two periods from `now`, noted as refreshed then (moved to the end of the order). */
  #openRow(uid: Uid, now: number): PageRow {
    this.#refreshed.delete(uid);
    this.#refreshed.set(uid, now);
    return [uid, now + 2 * this.#o.writeSeconds * 1000];
  }

  #flush(rows: readonly PageRow[]): void {
    for (const [uid, until] of rows) this.#unwritten.set(uid, until);
    if (this.#unwritten.size === 0) return;
    try {
      this.#o.write(this.node, [...this.#unwritten], this.#o.now());
      this.#unwritten.clear();
      this.#o.faults.succeeded('writing open pages');
    } catch (error) {
      this.#o.faults.failed('writing open pages', error);
    }
  }
}
