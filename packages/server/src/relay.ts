import {
  candidateCutoff,
  compareRosterEntries,
  staysOnline,
  type PresenceWindow,
  type Roster,
  type RosterEntry,
  type StatusMap,
  type Uid,
  type UserStatus,
} from '@presence-kit/core';
import { fanOutPresence, fanOutRoster } from './fan-out.js';
import { FlipLog } from './flip-log.js';
import type { LastSeenStore } from './last-seen-store.js';
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
 * The one relay per process: each tick reads every possibly-online user with one
 * indexed query, applies hysteresis to get ONE global online set, numbers the flips
 * (`log`) and hands them to the fan-out, which pushes only what changed to the sessions
 * watching it (`sessions`).
 */
export class Relay {
  readonly #o: RelayOptions;
  /** The global online set, with the facts the roster shows. */
  #online = new Map<Uid, RosterEntry>();
  /** Until the first tick, everyone recently seen counts as already shown online (no flicker on restart). */
  #primed = false;
  #roster: Roster = { count: 0, users: [] };
  /** Every open stream and what it watches. */
  readonly sessions = new Sessions();
  /** The numbered flips that resume reads. */
  readonly log = new FlipLog();
  #tickTimer: ReturnType<typeof setInterval> | undefined;
  #keepAliveTimer: ReturnType<typeof setInterval> | undefined;
  #nudged = false;
  /**
   * For each possibly-online user: the last_seen value last read, and the monotonic time
   * it was first read. A user's age is measured from there, not from the wall clock.
   */
  #observed = new Map<Uid, { lastSeen: number; at: number }>();

  constructor(options: RelayOptions) {
    this.#o = options;
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
    const entry = this.#online.get(uid);
    const profile = entry && this.#o.store.users([uid]).get(uid);
    if (entry && profile) {
      entry.name = profile.name;
      entry.avatar = profile.avatar;
    }
  }

  keepAlive(): void {
    for (const session of [...this.sessions.all()]) session.connection.write(KEEP_ALIVE);
  }

  /** One relay step. Tests and benchmarks drive it by hand on a fake clock, through `internalsOf` (internals.ts). */
  tick(): TickResult {
    const now = this.#o.now();
    const mono = this.#o.monotonic();
    const next = new Map<Uid, RosterEntry>();
    const hidden = new Set<Uid>();
    const observed = new Map<Uid, { lastSeen: number; at: number }>();
    // Names and avatars are read only for users entering the online set; the others keep theirs.
    const entering: Uid[] = [];
    for (const user of this.#o.store.recentlySeen(this.#cutoff(now))) {
      if (user.hidden) hidden.add(user.uid);
      if (user.hidden || user.lastSeen === null) continue;
      const seen = this.#observe(user.uid, user.lastSeen, now, mono);
      observed.set(user.uid, seen);
      const shown = this.#online.get(user.uid);
      const wasOnline = !this.#primed || shown !== undefined;
      // The age comes from the monotonic clock; the rule sees it as a timestamp on today's wall clock.
      if (staysOnline(wasOnline, now - (mono - seen.at), now, this.#o.window)) {
        // Unchanged entries are reused: a steady tick allocates nothing per online user.
        if (shown && shown.last_seen === user.lastSeen) next.set(user.uid, shown);
        else next.set(user.uid, { uid: user.uid, name: shown?.name ?? user.uid, avatar: shown?.avatar ?? null, last_seen: user.lastSeen });
        if (!shown) entering.push(user.uid);
      }
    }
    if (entering.length > 0) {
      const profiles = this.#o.store.users(entering);
      for (const uid of entering) {
        const profile = profiles.get(uid);
        const entry = next.get(uid);
        if (profile && entry) {
          entry.name = profile.name;
          entry.avatar = profile.avatar;
        }
      }
    }
    this.#observed = observed;
    this.#primed = true;

    const flips = new Map<Uid, UserStatus>();
    const joined: RosterEntry[] = [];
    const left: Uid[] = [];
    for (const [uid, entry] of next) {
      if (this.#online.has(uid)) continue;
      flips.set(uid, { online: true, last_seen: entry.last_seen });
      joined.push(entry);
    }
    for (const [uid, entry] of this.#online) {
      if (next.has(uid)) continue;
      // Hidden users leave with no trace; everyone else with their last activity.
      flips.set(uid, hidden.has(uid) ? HIDDEN : { online: false, last_seen: entry.last_seen });
      left.push(uid);
    }
    this.#online = next;
    const changed = [...flips.keys()];
    if (changed.length === 0) return { changed, framesSent: 0, rosterChanged: false };

    const id = this.log.record(changed);
    const previous = this.#roster.users;
    const users = [...next.values()].sort(compareRosterEntries);
    this.#roster = { count: users.length, users };
    const framesSent = fanOutPresence(this.sessions, flips, now, id);
    fanOutRoster(this.sessions, { previous, next: this.#roster, joined, left }, now, id);
    return { changed, framesSent, rosterChanged: true };
  }

  /** A new last_seen value is dated by how old the wall clock says it is, once; after that by the monotonic clock. */
  #observe(uid: Uid, lastSeen: number, now: number, mono: number): { lastSeen: number; at: number } {
    const known = this.#observed.get(uid);
    if (known && known.lastSeen === lastSeen) return known;
    return { lastSeen, at: mono - Math.max(0, now - lastSeen) };
  }

  /**
   * The oldest last_seen to read: the hysteresis range on the wall clock, widened to
   * everyone shown online now, so a clock that jumped forward cannot hide them.
   */
  #cutoff(now: number): number {
    let cutoff = candidateCutoff(now, this.#o.window);
    for (const entry of this.#online.values()) cutoff = Math.min(cutoff, entry.last_seen);
    return cutoff;
  }

  #safeTick(): void {
    try {
      this.tick();
    } catch (error) {
      this.#o.onError(error);
    }
  }
}
