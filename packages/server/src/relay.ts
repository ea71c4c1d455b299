import { type PresenceWindow, type Roster, type StatusMap, type Uid, type UserStatus } from '@presence-kit/core';
import { fanOutPresence, fanOutRoster } from './fan-out.js';
import { FlipLog } from './flip-log.js';
import type { LastSeenStore } from './last-seen-store.js';
import { OnlineSet } from './online-set.js';
import { Sessions } from './sessions.js';
import { sseFrame } from './sse-frame.js';

export interface RelayOptions {
  store: LastSeenStore;
  window: PresenceWindow;
  now: () => number;
  /**
   * A clock that never jumps (ms). Elapsed time for users the relay has already seen is
   * measured on it, so a wall-clock jump cannot flip everyone at once.
   */
  monotonic: () => number;
  /** How often the online set is recomputed. */
  tickMs: number;
  /** The activity recorder's write period: how late a write may carry its time (see online-set.ts). */
  writeSeconds: number;
  /** How often idle streams get a keep-alive comment (which also reaps dead sockets). */
  keepAliveMs: number;
  /** Called when a tick fails (e.g. the database is locked); the next tick retries. */
  onError: (error: unknown) => void;
}

export interface TickResult {
  /** Uids whose online flag flipped. */
  changed: Uid[];
  /** Presence frames sent (one per session that watches a changed uid). */
  framesSent: number;
  rosterChanged: boolean;
}

const HIDDEN: UserStatus = Object.freeze({ online: false, last_seen: null });

const KEEP_ALIVE = new TextEncoder().encode(sseFrame({ comment: '' }));

/**
 * The one relay per process: each tick steps ONE global online set (online-set.ts: only
 * what changed since the previous tick is read), numbers the flips (`log`) and hands
 * them to the fan-out, which pushes only what changed to the sessions watching it (`sessions`).
 */
export class Relay {
  readonly #o: RelayOptions;
  /** The global online set, with the facts the roster shows, in roster order. */
  readonly #online: OnlineSet;
  #roster: Roster = { count: 0, users: [] };
  /** Every open stream and what it watches. */
  readonly sessions = new Sessions();
  /** The numbered flips that resume reads. */
  readonly log = new FlipLog();
  #tickTimer: ReturnType<typeof setInterval> | undefined;
  #keepAliveTimer: ReturnType<typeof setInterval> | undefined;
  #nudged = false;

  constructor(options: RelayOptions) {
    this.#o = options;
    this.#online = new OnlineSet(options);
  }

  /** The window this relay applies: what snapshots and server-rendered markup state to pages. */
  get window(): Readonly<PresenceWindow> {
    return this.#o.window;
  }

  start(): void {
    if (this.#tickTimer) return;
    this.#safeTick();
    this.#tickTimer = setInterval(() => this.#safeTick(), this.#o.tickMs);
    this.#keepAliveTimer = setInterval(() => this.keepAlive(), this.#o.keepAliveMs);
    // Presence never keeps a process alive on its own.
    this.#tickTimer.unref?.();
    this.#keepAliveTimer.unref?.();
  }

  stop(): void {
    clearInterval(this.#tickTimer);
    clearInterval(this.#keepAliveTimer);
    this.#tickTimer = this.#keepAliveTimer = undefined;
    for (const session of [...this.sessions.all()]) session.connection.close();
  }

  /** Asks for a tick soon (coalesced), so a user who just became active shows up at once. */
  nudge(): void {
    if (this.#nudged || !this.#tickTimer) return;
    this.#nudged = true;
    setImmediate(() => {
      this.#nudged = false;
      // Stopped in the meantime: the store may already be closed.
      if (this.#tickTimer) this.#safeTick();
    });
  }

  /** In the global online set: shown online to every viewer (hysteresis included). */
  isShownOnline(uid: Uid): boolean {
    return this.#online.has(uid);
  }

  roster(): Roster {
    return this.#roster;
  }

  /** The status a viewer sees: online from the global set, hidden users as never seen. */
  statuses(uids: readonly Uid[]): StatusMap {
    const stored = this.#o.store.users(uids);
    // No prototype: every valid uid is an own key, `__proto__` and `constructor` included.
    const users: StatusMap = Object.create(null);
    for (const uid of uids) {
      const user = stored.get(uid);
      users[uid] = !user || user.hidden ? HIDDEN : { online: this.#online.has(uid), last_seen: user.lastSeen };
    }
    return users;
  }

  /** Re-reads an online user's name and avatar (they are otherwise read once, when the user comes online). */
  profileChanged(uid: Uid): void {
    if (!this.#online.has(uid)) return;
    this.#online.profileChanged(uid);
    // Shown by the next roster read; pushed with the next change of the set, as before.
    this.#roster = { count: this.#online.entries.length, users: [...this.#online.entries] };
  }

  /** A user's row changed without `last_seen` moving (hiding): read it again at a tick soon. */
  recheck(uid: Uid): void {
    this.#online.recheck(uid);
    this.nudge();
  }

  keepAlive(): void {
    for (const session of [...this.sessions.all()]) session.connection.write(KEEP_ALIVE);
  }

  /** One relay step. Tests and benchmarks drive it by hand on a fake clock, through `internalsOf` (internals.ts). */
  tick(): TickResult {
    const now = this.#o.now();
    const { entered, left } = this.#online.step();
    const flips = new Map<Uid, UserStatus>();
    for (const entry of entered) flips.set(entry.uid, { online: true, last_seen: entry.last_seen });
    // Hidden users leave with no trace; everyone else with their last activity.
    for (const { entry, hidden } of left) flips.set(entry.uid, hidden ? HIDDEN : { online: false, last_seen: entry.last_seen });
    const changed = [...flips.keys()];
    if (changed.length === 0) return { changed, framesSent: 0, rosterChanged: false };

    const id = this.log.record(changed);
    const previous = this.#roster.users;
    // Already in roster order; the copy keeps this roster as it was when published.
    this.#roster = { count: this.#online.entries.length, users: [...this.#online.entries] };
    const framesSent = fanOutPresence(this.sessions, flips, now, id);
    const joined = entered;
    const gone = left.map(({ entry }) => entry.uid);
    fanOutRoster(this.sessions, { previous, next: this.#roster, joined, left: gone }, now, id);
    return { changed, framesSent, rosterChanged: true };
  }

  #safeTick(): void {
    try {
      this.tick();
    } catch (error) {
      this.#o.onError(error);
    }
  }
}
