import {
  compareRosterEntries,
  liveStateAt,
  liveStateEndsAt,
  offlineAt,
  type LiveState,
  type PresenceWindow,
  type RosterEntry,
  type Uid,
} from '@presence-kit/core';
import type { LastSeenStore } from './last-seen-store.js';
import { MinHeap } from './min-heap.js';
import type { PagesTable } from './pages-table.js';
import { SortedRoster } from './sorted-roster.js';

export interface OnlineSetOptions {
  store: Pick<LastSeenStore, 'recentlySeen' | 'users'>;
  window: PresenceWindow;
  /** The wall clock (epoch ms): what `last_seen` values are written in. */
  now: () => number;
  /** A clock that never jumps (ms): every age is measured on it. */
  monotonic: () => number;
  /** The write throttle's period: a trailing write stores a time up to this old (see `LATE_WRITE_MS`). */
  writeSeconds: number;
  /** Where every process's open pages are read (`pages-table.ts`); absent: no pages, only activity. */
  pages?: Pick<PagesTable, 'changedSince'> | undefined;
  /** Idle on: an open page keeps someone present, idle after this many seconds without activity. Default null (off). */
  idleSeconds?: number | null | undefined;
}

export interface OnlineStep {
  /** Users who came online, in the order their rows were read. */
  entered: RosterEntry[];
  /** Users who went offline, with the entry they were shown with; `hidden` when they hid their status. */
  left: { entry: RosterEntry; hidden: boolean }[];
  /** Users still present whose state changed (online ↔ idle), with their new entry, in roster order (idle on only). */
  restated?: RosterEntry[];
}

/** A step's changes to the roster, applied in one batch once every row is read. */
interface Pending {
  /** Users coming online (their profiles are read at the end of the step). */
  joining: Map<Uid, RosterEntry>;
  /** Users going offline, with the entry they were shown with. */
  leaving: Map<Uid, RosterEntry>;
  left: OnlineStep['left'];
  /** Users shown before and after whose state changed (already replaced in the roster). */
  restated: Map<Uid, RosterEntry>;
}

/** What the set knows about one user's `last_seen` value: when it was first read, on the monotonic clock. */
interface Observation {
  readonly uid: Uid;
  readonly lastSeen: number;
  /** The monotonic time of the activity: read time minus how old the wall clock said it was then. */
  readonly at: number;
  hidden: boolean;
}

/** The latest `until` of a user's open pages (`pages-table.ts`), dated once like a `last_seen`. */
interface PageObservation {
  readonly until: number;
  /** The monotonic time it stands for: ahead while a page is open, the closing once closed. */
  readonly at: number;
}

/** One user's next deadline; replaced (and the old one skipped when popped) whenever their facts change. */
interface Deadline {
  readonly uid: Uid;
}

/**
 * How much older than the reader's clock a write may be when it commits, beyond the write
 * period: one sweep of held-back writes (1 s) plus a stalled event loop. See `#readFrom`.
 */
const LATE_WRITE_MS = 2000;
/**
 * How long an offline user's observation is remembered after their activity. A row read
 * again after that is dated afresh by the wall clock, so a clock set back by more than
 * this (minus the read band) could bring someone back online for a moment.
 */
const FORGET_AFTER_MS = 15 * 60_000;

/**
 * The ONE global online set of a process, stepped by the relay's tick, in O(changes):
 *
 * - Reads only the rows written since the previous step: `last_seen >= floor`, a band
 *   that overlaps the previous read by the write period plus `LATE_WRITE_MS`, so rows
 *   written late (trailing writes carry the time of the activity they held back, up to one
 *   period old) and rows another process committed with an older time than this one
 *   last read are still seen. Equal timestamps and rows read twice are harmless: a row
 *   whose value is unchanged is skipped.
 * - Everyone's age is measured on the monotonic clock from when their value was first read
 *   (a wall-clock jump changes no one), and windows end from a min-heap of deadlines, so a
 *   user leaving costs one pop, not a pass over everyone online.
 * - Hysteresis is core's `liveStateAt` (the window rule `staysOnline` when no page of the user
 *   is known), applied on the monotonic timeline: open pages (every process's, read the same way
 *   from the rows changed since the previous step) end a presence at the last page's closing plus
 *   the margin, and with idle on keep a person present, online or idle.
 *
 * The guarantee: a write is seen by the next step when its `last_seen` is no older than
 * `writeSeconds + LATE_WRITE_MS` before the moment it commits, which the kit's own writers
 * (this process's and others' on the same file, with the same or a shorter `writeSeconds`)
 * always meet. A row changed otherwise — a value written much later than its time (a retry
 * after the database was locked for longer), a hidden flag set by another process, a
 * deleted row — shows at that user's next write, or when their window ends.
 */
export class OnlineSet {
  readonly #o: OnlineSetOptions;
  readonly #roster = new SortedRoster();
  readonly #observed = new Map<Uid, Observation>();
  /** Each user's latest open-pages fact. */
  readonly #pages = new Map<Uid, PageObservation>();
  /** When each shown user's state ends by itself (liveStateEndsAt on the monotonic clock); stale entries are skipped. */
  readonly #deadlines = new MinHeap<Deadline>();
  readonly #deadlineOf = new Map<Uid, Deadline>();
  /** When each observation may be forgotten. */
  readonly #forgettable = new MinHeap<Observation>();
  /** Users whose row changed without their `last_seen` moving (hidden in this process): read again next step. */
  readonly #recheck = new Set<Uid>();
  /** The previous read, on both clocks; undefined until the first step. */
  #previous: { now: number; mono: number } | undefined;
  /** Set by `prime`: the first step then applies hysteresis only to the users it was primed with. */
  #primed = false;
  readonly #lateMs: number;
  readonly #forgetMs: number;
  readonly #idleSeconds: number | null;

  constructor(options: OnlineSetOptions) {
    this.#o = options;
    this.#lateMs = options.writeSeconds * 1000 + LATE_WRITE_MS;
    // Longer than anyone can stay online, so only offline users are ever forgotten.
    this.#forgetMs = offlineAt(true, 0, options.window) + FORGET_AFTER_MS;
    this.#idleSeconds = options.idleSeconds ?? null;
  }

  /** The online users in roster order (live; copy it to keep a snapshot). */
  get entries(): readonly RosterEntry[] {
    return this.#roster.entries;
  }

  has(uid: Uid): boolean {
    return this.#roster.has(uid);
  }

  /** The entry an online user is shown with. */
  get(uid: Uid): RosterEntry | undefined {
    return this.#roster.get(uid);
  }

  /**
   * Starts from a set already shown (a new Redis leader takes over the cluster's published
   * set): those users stay online under hysteresis, aged from their `last_seen`, and the first
   * step brings in only users inside the window, so a failover flips no one by itself.
   */
  prime(entries: readonly RosterEntry[]): void {
    const now = this.#o.now();
    const mono = this.#o.monotonic();
    for (const entry of entries) {
      if (entry.last_seen === null) continue;
      const seen = this.#observe(entry.uid, entry.last_seen, false, now, mono);
      if (seen)
        this.#schedule(
          entry.uid,
          liveStateEndsAt(entry.idle ? 'idle' : 'online', this.#facts(entry.uid), this.#o.window, this.#idleSeconds),
        );
    }
    this.#roster.apply(entries, []);
    this.#primed = true;
  }

  /** The oldest `last_seen` the next step reads, for a store that must fetch the rows before it (Redis). */
  nextReadFrom(): number {
    return this.#readFrom(this.#o.now(), this.#o.monotonic());
  }

  /** Reads this user's row again at the next step (for changes that do not move `last_seen`, like hiding). */
  recheck(uid: Uid): void {
    this.#recheck.add(uid);
  }

  /** Re-reads an online user's name and avatar now (they are otherwise read once, when the user comes online). */
  profileChanged(uid: Uid): void {
    const entry = this.#roster.get(uid);
    const profile = entry && this.#o.store.users([uid]).get(uid);
    if (entry && profile) this.#roster.set({ ...entry, name: profile.name, avatar: profile.avatar });
  }

  step(): OnlineStep {
    const now = this.#o.now();
    const mono = this.#o.monotonic();
    // Until the first step everyone recently seen counts as already shown online (no flicker on
    // restart), unless the set was primed with who is shown.
    const primed = this.#previous !== undefined || this.#primed;
    const pending: Pending = { joining: new Map(), leaving: new Map(), left: [], restated: new Map() };
    // Every fact is read first and each user evaluated once, with all of theirs.
    const changed = new Set<Uid>();
    const read = (uid: Uid, lastSeen: number, hidden: boolean): void => {
      if (this.#observe(uid, lastSeen, hidden, now, mono)) changed.add(uid);
    };
    const from = this.#readFrom(now, mono);
    for (const user of this.#o.store.recentlySeen(from)) {
      if (user.lastSeen !== null) read(user.uid, user.lastSeen, user.hidden);
    }
    for (const [uid, until] of this.#o.pages?.changedSince(this.#pagesFrom(now, mono)) ?? []) {
      if (!this.#observePage(uid, until, now, mono)) continue;
      changed.add(uid);
      // Idle for longer than the read band reaches back: their activity is read by uid.
      if (!this.#observed.has(uid)) this.#recheck.add(uid);
    }
    if (this.#recheck.size > 0) {
      for (const user of this.#o.store.users([...this.#recheck]).values()) {
        if (user.lastSeen !== null) read(user.uid, user.lastSeen, user.hidden);
      }
      this.#recheck.clear();
    }
    // A page of someone never active (a stream and no request yet) says nothing: not kept, so the memory stays bounded.
    for (const uid of changed) if (!this.#observed.has(uid)) this.#pages.delete(uid);
    this.#previous = { now, mono };
    for (const uid of changed) this.#evaluate(uid, mono, primed, pending);

    while (this.#deadlines.peekKey() <= mono) {
      const deadline = this.#deadlines.pop()!;
      // Stale: the user's facts changed since, with a deadline of their own.
      if (this.#deadlineOf.get(deadline.uid) !== deadline) continue;
      this.#deadlineOf.delete(deadline.uid);
      this.#evaluate(deadline.uid, mono, true, pending);
    }
    while (this.#forgettable.peekKey() <= mono) {
      const seen = this.#forgettable.pop()!;
      if (this.#observed.get(seen.uid) !== seen) continue;
      // Someone still shown (idle, a page open for hours) keeps what is known of them.
      if (this.#roster.has(seen.uid)) this.#forgettable.push(mono + this.#forgetMs, seen);
      else {
        this.#observed.delete(seen.uid);
        const page = this.#pages.get(seen.uid);
        if (page && page.at <= mono) this.#pages.delete(seen.uid);
      }
    }

    const entered = this.#withProfiles([...pending.joining.values()]);
    this.#roster.apply(entered, pending.leaving.keys());
    const step: OnlineStep = { entered, left: pending.left };
    // In roster order, so the frames they make do not depend on which deadline came first.
    if (pending.restated.size > 0) step.restated = [...pending.restated.values()].sort(compareRosterEntries);
    return step;
  }

  /** The entry a user is shown with, counting this step's changes so far. */
  #shown(uid: Uid, pending: Pending): RosterEntry | undefined {
    return pending.joining.get(uid) ?? (pending.leaving.has(uid) ? undefined : this.#roster.get(uid));
  }

  /**
   * The oldest `last_seen` to read. First step: everything inside the forget horizon (it
   * is remembered, and who is inside the window comes online). Then: the wall time of the
   * previous read — or, if the clock was set back since, the lowest it can have read
   * since — minus how late a write may carry its time.
   */
  #readFrom(now: number, mono: number): number {
    if (!this.#previous) return now - this.#forgetMs;
    return Math.min(this.#previous.now, now - (mono - this.#previous.mono)) - this.#lateMs;
  }

  /**
   * The oldest `written` of a page row to read: the same band without the write period, since a
   * page row is stamped when it is written (no trailing writes), so a step reads only the rows
   * written since the previous one (and the late ones of `LATE_WRITE_MS`).
   */
  #pagesFrom(now: number, mono: number): number {
    return this.#previous ? this.#readFrom(now, mono) + this.#o.writeSeconds * 1000 : this.#readFrom(now, mono);
  }

  /** The observation of a row, or undefined when nothing about it changed since it was last read. */
  #observe(uid: Uid, lastSeen: number, hidden: boolean, now: number, mono: number): Observation | undefined {
    const known = this.#observed.get(uid);
    if (known && known.lastSeen === lastSeen) {
      if (known.hidden === hidden) return undefined;
      known.hidden = hidden;
      return known;
    }
    // A new value is dated once by how old the wall clock says it is; after that only the monotonic clock counts.
    const seen: Observation = { uid, lastSeen, at: mono - Math.max(0, now - lastSeen), hidden };
    this.#observed.set(uid, seen);
    this.#forgettable.push(seen.at + this.#forgetMs, seen);
    return seen;
  }

  /** Notes a user's latest open-pages `until`; false when it did not change. */
  #observePage(uid: Uid, until: number, now: number, mono: number): boolean {
    if (this.#pages.get(uid)?.until === until) return false;
    // Dated once like a last_seen, ahead of now while a page is open.
    this.#pages.set(uid, { until, at: mono + (until - now) });
    return true;
  }

  /** A user's facts on the monotonic timeline. */
  #facts(uid: Uid): { lastSeen: number | null; pagesUntil: number | null } {
    return { lastSeen: this.#observed.get(uid)?.at ?? null, pagesUntil: this.#pages.get(uid)?.at ?? null };
  }

  #schedule(uid: Uid, at: number): void {
    if (!Number.isFinite(at)) return void this.#deadlineOf.delete(uid);
    const deadline: Deadline = { uid };
    this.#deadlineOf.set(uid, deadline);
    this.#deadlines.push(at, deadline);
  }

  /** Applies core's rule to one user whose facts changed or whose deadline came. */
  #evaluate(uid: Uid, mono: number, primed: boolean, pending: Pending): void {
    const seen = this.#observed.get(uid);
    if (!seen) return;
    const shown = this.#shown(uid, pending);
    const was: LiveState = !primed ? 'online' : !shown ? 'offline' : shown.idle ? 'idle' : 'online';
    const facts = this.#facts(uid);
    const state = seen.hidden ? 'offline' : liveStateAt(was, facts, mono, this.#o.window, this.#idleSeconds);
    if (state === 'offline') {
      this.#deadlineOf.delete(uid);
      if (!shown) return;
      if (pending.joining.delete(uid)) return;
      pending.restated.delete(uid);
      pending.leaving.set(uid, shown);
      // Hidden users leave with no trace; everyone else with their last activity.
      pending.left.push({ entry: shown, hidden: seen.hidden });
      return;
    }
    this.#schedule(uid, liveStateEndsAt(state, facts, this.#o.window, this.#idleSeconds));
    const idle = state === 'idle';
    if (shown?.last_seen === seen.lastSeen && Boolean(shown.idle) === idle) return;
    const entry: RosterEntry = {
      uid,
      name: shown?.name ?? uid,
      avatar: shown?.avatar ?? null,
      last_seen: seen.lastSeen,
    };
    if (idle) entry.idle = true;
    if (shown && !pending.joining.has(uid)) {
      // Someone already shown keeps their place (the name did not change): replaced at once.
      this.#roster.set(entry);
      if (Boolean(shown.idle) !== idle || pending.restated.has(uid)) pending.restated.set(uid, entry);
    } else pending.joining.set(uid, entry);
  }

  /** Names and avatars are read only for users entering the online set, in one query. */
  #withProfiles(joining: RosterEntry[]): RosterEntry[] {
    if (joining.length === 0) return [];
    const profiles = this.#o.store.users(joining.map((entry) => entry.uid));
    return joining.map((entry) => {
      const profile = profiles.get(entry.uid);
      return profile ? { ...entry, name: profile.name, avatar: profile.avatar } : entry;
    });
  }
}
