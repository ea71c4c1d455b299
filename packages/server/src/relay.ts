import {
  type PresenceWindow,
  type Roster,
  type RosterEntry,
  type StatusMap,
  type Uid,
  type UserStatus,
} from '@presence-kit/core';
import { fanOutPresence, fanOutRoster } from './fan-out.js';
import { FlipLog } from './flip-log.js';
import type { StoredUser } from './last-seen-store.js';
import type { OnlineStep } from './online-set.js';
import { Sessions } from './sessions.js';
import { sseFrame } from './sse-frame.js';

/**
 * The online set a relay shows: on SQLite an `OnlineSet` the relay steps each tick; on Redis
 * the node's mirror of the cluster's set, which applies published changes through `Relay.apply`
 * and has no `step`.
 */
export interface OnlineSource {
  has(uid: Uid): boolean;
  /** The entry a present user is shown with (`idle` marks an idle one). */
  get(uid: Uid): RosterEntry | undefined;
  /** Online users in roster order. */
  readonly entries: readonly RosterEntry[];
  step?(): OnlineStep;
  /** Re-reads an online user's name and avatar. */
  profileChanged?(uid: Uid): void;
  /** Reads this user's row again at the next step. */
  recheck?(uid: Uid): void;
}

export interface RelayOptions {
  online: OnlineSource;
  window: PresenceWindow;
  now: () => number;
  /** How often the online set is stepped (when it has a `step`). */
  tickMs: number;
  /** How often idle streams get a keep-alive comment (which also reaps dead sockets). */
  keepAliveMs: number;
  /** Put before every sid, so another node can route a subscribe to this one ('' on SQLite). */
  sidPrefix?: string;
  /** Called when a tick fails (e.g. the database is locked); the next tick retries. */
  onError: (error: unknown) => void;
}

export interface TickResult {
  /** Uids whose state changed: online flag flipped, or (idle on) online ↔ idle. */
  changed: Uid[];
  /** Presence frames sent (one per session that watches a changed uid). */
  framesSent: number;
  rosterChanged: boolean;
}

const HIDDEN: UserStatus = Object.freeze({ online: false, last_seen: null });

/** The status a roster entry stands for: present, and idle when it says so. */
function presentStatus(entry: RosterEntry): UserStatus {
  return entry.idle
    ? { online: true, idle: true, last_seen: entry.last_seen }
    : { online: true, last_seen: entry.last_seen };
}

const KEEP_ALIVE = new TextEncoder().encode(sseFrame({ comment: '' }));

/**
 * The one relay per process: each tick steps ONE global online set (online-set.ts: only
 * what changed since the previous tick is read), numbers the flips (`log`) and hands
 * them to the fan-out, which pushes only what changed to the sessions watching it (`sessions`).
 */
export class Relay {
  readonly #o: RelayOptions;
  /** The global online set, with the facts the roster shows, in roster order. */
  readonly #online: OnlineSource;
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
    this.#online = options.online;
  }

  /** Put before every sid this relay's sessions get. */
  get sidPrefix(): string {
    return this.#o.sidPrefix ?? '';
  }

  /** The window this relay applies: what snapshots and server-rendered markup state to pages. */
  get window(): Readonly<PresenceWindow> {
    return this.#o.window;
  }

  start(): void {
    if (this.#keepAliveTimer) return;
    this.#keepAliveTimer = setInterval(() => this.keepAlive(), this.#o.keepAliveMs);
    // Presence never keeps a process alive on its own.
    this.#keepAliveTimer.unref?.();
    if (!this.#online.step) return;
    this.#safeTick();
    this.#tickTimer = setInterval(() => this.#safeTick(), this.#o.tickMs);
    this.#tickTimer.unref?.();
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

  /** Shown idle to every viewer (present, no activity for idleSeconds). */
  shownIdle(uid: Uid): boolean {
    return this.#online.get(uid)?.idle === true;
  }

  roster(): Roster {
    return this.#roster;
  }

  /**
   * The status a viewer sees, from the stored facts for these uids (the engine's `users`):
   * online from the global set, hidden users as never seen.
   */
  statuses(uids: readonly Uid[], stored: ReadonlyMap<Uid, StoredUser>): StatusMap {
    // No prototype: every valid uid is an own key, `__proto__` and `constructor` included.
    const users: StatusMap = Object.create(null);
    for (const uid of uids) {
      const user = stored.get(uid);
      if (!user || user.hidden) users[uid] = HIDDEN;
      else {
        const shown = this.#online.get(uid);
        users[uid] = shown
          ? presentStatus({ ...shown, last_seen: user.lastSeen ?? shown.last_seen })
          : { online: false, last_seen: user.lastSeen };
      }
    }
    return users;
  }

  /** Re-reads an online user's name and avatar (they are otherwise read once, when the user comes online). */
  profileChanged(uid: Uid): void {
    if (!this.#online.has(uid)) return;
    this.#online.profileChanged?.(uid);
    // Shown by the next roster read; pushed with the next change of the set, as before.
    this.#roster = { count: this.#online.entries.length, users: [...this.#online.entries] };
  }

  /** A user's row changed without `last_seen` moving (hiding): read it again at a tick soon. */
  recheck(uid: Uid): void {
    this.#online.recheck?.(uid);
    this.nudge();
  }

  keepAlive(): void {
    for (const session of [...this.sessions.all()]) session.connection.write(KEEP_ALIVE);
  }

  /** One relay step. Tests and benchmarks drive it by hand on a fake clock, through `internalsOf` (internals.ts). */
  tick(): TickResult {
    return this.apply(this.#online.step?.() ?? { entered: [], left: [] });
  }

  /**
   * Numbers one step's changes (`seq`: the cluster's number for it on Redis) and pushes them to
   * the sessions watching. The online source has already applied them.
   */
  apply({ entered, left, restated = [] }: OnlineStep, seq?: number): TickResult {
    const now = this.#o.now();
    const flips = new Map<Uid, UserStatus>();
    // A change between online and idle is a flip like any other.
    for (const entry of [...entered, ...restated]) flips.set(entry.uid, presentStatus(entry));
    // Hidden users leave with no trace; everyone else with their last activity.
    for (const { entry, hidden } of left)
      flips.set(entry.uid, hidden ? HIDDEN : { online: false, last_seen: entry.last_seen });
    const changed = [...flips.keys()];
    if (changed.length === 0) {
      // A numbered change with no flips (on Redis: names changed) still moves the position and the roster.
      if (seq !== undefined) {
        this.log.record(changed, seq);
        this.#roster = { count: this.#online.entries.length, users: [...this.#online.entries] };
      }
      return { changed, framesSent: 0, rosterChanged: false };
    }

    const id = this.log.record(changed, seq);
    const previous = this.#roster.users;
    // Already in roster order; the copy keeps this roster as it was when published.
    this.#roster = { count: this.#online.entries.length, users: [...this.#online.entries] };
    const framesSent = fanOutPresence(this.sessions, flips, now, id);
    const joined = entered;
    const gone = left.map(({ entry }) => entry.uid);
    fanOutRoster(this.sessions, { previous, next: this.#roster, joined, left: gone, restated }, now, id);
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
