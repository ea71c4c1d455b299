import {
  EVENT,
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
import type { SseConnection } from './sse-connection.js';
import { sseFrame } from './sse-frame.js';
import type { LastSeenStore } from './last-seen-store.js';

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
  /** Presence frames sent (one per connection that watches a changed uid). */
  framesSent: number;
  rosterChanged: boolean;
}

const HIDDEN: UserStatus = Object.freeze({ online: false, last_seen: null });

const encoder = new TextEncoder();
const KEEP_ALIVE = encoder.encode(sseFrame({ comment: '' }));

/** One SSE event as bytes, encoded once for every connection it goes to. */
function encodeEvent(event: string, data: string): Uint8Array {
  return encoder.encode(sseFrame({ event, data }));
}

/**
 * The one relay per process: each tick reads every possibly-online user with one
 * indexed query, applies hysteresis to get ONE global online set, and pushes only
 * what changed to the connections watching it.
 */
export class Relay {
  readonly #o: RelayOptions;
  /** The global online set, with the facts the roster shows. */
  #online = new Map<Uid, RosterEntry>();
  /** Until the first tick, everyone recently seen counts as already shown online (no flicker on restart). */
  #primed = false;
  #roster: Roster = { count: 0, users: [] };
  #rosterJson = JSON.stringify(this.#roster);
  readonly #watchers = new Map<Uid, Set<SseConnection>>();
  readonly #rosterWatchers = new Set<SseConnection>();
  readonly #connections = new Set<SseConnection>();
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

  get connections(): ReadonlySet<SseConnection> {
    return this.#connections;
  }

  /** How many distinct uids are watched by at least one connection. */
  get watchedUids(): number {
    return this.#watchers.size;
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
    for (const connection of [...this.#connections]) connection.close();
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

  /**
   * Registers a connection and returns its snapshot in the same synchronous step, so
   * no tick can fall between the two and lose a transition.
   */
  subscribe(connection: SseConnection): { users: StatusMap; roster?: Roster } {
    this.#connections.add(connection);
    for (const uid of connection.uids) {
      let set = this.#watchers.get(uid);
      if (!set) this.#watchers.set(uid, (set = new Set()));
      set.add(connection);
    }
    if (connection.roster) this.#rosterWatchers.add(connection);
    const users = this.statuses(connection.uids);
    return connection.roster ? { users, roster: this.#roster } : { users };
  }

  unsubscribe(connection: SseConnection): void {
    this.#connections.delete(connection);
    this.#rosterWatchers.delete(connection);
    for (const uid of connection.uids) {
      const set = this.#watchers.get(uid);
      if (!set) continue;
      set.delete(connection);
      if (set.size === 0) this.#watchers.delete(uid);
    }
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
    for (const connection of [...this.#connections]) connection.write(KEEP_ALIVE);
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

    const changed: Uid[] = [];
    // Per watched uid that flipped, its `"uid":{…}` JSON once; per connection, which of them it watches.
    const fragments = new Map<Uid, string>();
    const changes = new Map<SseConnection, Uid[]>();
    const flip = (uid: Uid, status: UserStatus): void => {
      changed.push(uid);
      const watchers = this.#watchers.get(uid);
      if (!watchers) return;
      fragments.set(uid, `${JSON.stringify(uid)}:${JSON.stringify(status)}`);
      for (const connection of watchers) {
        const uids = changes.get(connection);
        if (uids) uids.push(uid);
        else changes.set(connection, [uid]);
      }
    };
    for (const [uid, entry] of next) {
      if (!this.#online.has(uid)) flip(uid, { online: true, last_seen: entry.last_seen });
    }
    for (const [uid, entry] of this.#online) {
      // Hidden users leave with no trace; everyone else with their last activity.
      if (!next.has(uid)) flip(uid, hidden.has(uid) ? HIDDEN : { online: false, last_seen: entry.last_seen });
    }
    this.#online = next;

    // The same {t, users} frame as JSON.stringify would make, built and encoded once per
    // distinct set of changed uids: 10,000 watchers of one uid share one buffer.
    const frames = new Map<string, Uint8Array>();
    for (const [connection, uids] of changes) {
      const key = uids.join(',');
      let frame = frames.get(key);
      if (!frame) {
        const users = uids.map((uid) => fragments.get(uid)).join(',');
        frames.set(key, (frame = encodeEvent(EVENT.presence, `{"t":${now},"users":{${users}}}`)));
      }
      connection.write(frame);
    }

    const rosterChanged = changed.length > 0;
    if (rosterChanged) {
      const users = [...next.values()].sort(compareRosterEntries);
      this.#roster = { count: users.length, users };
      this.#rosterJson = JSON.stringify({ t: now, ...this.#roster });
      const frame = encodeEvent(EVENT.roster, this.#rosterJson);
      for (const connection of [...this.#rosterWatchers]) connection.write(frame);
    }
    return { changed, framesSent: changes.size, rosterChanged };
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
