import { EVENT, type PresenceWindow, type Roster, type StatusMap, type Uid, type UserStatus } from '@presence-kit/core';
import type { SseConnection } from './sse-connection.js';
import { sseFrame } from './sse-frame.js';
import type { LastSeenStore } from './last-seen-store.js';
import { OnlineSet } from './online-set.js';

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
 * The one relay per process: each tick steps ONE global online set (online-set.ts: only
 * what changed since the previous tick is read) and pushes only what changed to the
 * connections watching it.
 */
export class Relay {
  readonly #o: RelayOptions;
  /** The global online set, with the facts the roster shows, in roster order. */
  readonly #online: OnlineSet;
  #roster: Roster = { count: 0, users: [] };
  #rosterJson = JSON.stringify(this.#roster);
  readonly #watchers = new Map<Uid, Set<SseConnection>>();
  readonly #rosterWatchers = new Set<SseConnection>();
  readonly #connections = new Set<SseConnection>();
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
    for (const connection of [...this.#connections]) connection.write(KEEP_ALIVE);
  }

  /** One relay step. Tests and benchmarks drive it by hand on a fake clock, through `internalsOf` (internals.ts). */
  tick(): TickResult {
    const now = this.#o.now();
    const { entered, left } = this.#online.step();

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
    for (const entry of entered) flip(entry.uid, { online: true, last_seen: entry.last_seen });
    // Hidden users leave with no trace; everyone else with their last activity.
    for (const { entry, hidden } of left) flip(entry.uid, hidden ? HIDDEN : { online: false, last_seen: entry.last_seen });

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
      // Already in roster order; the copy keeps this roster as it was when published.
      const users = [...this.#online.entries];
      this.#roster = { count: users.length, users };
      this.#rosterJson = JSON.stringify({ t: now, ...this.#roster });
      const frame = encodeEvent(EVENT.roster, this.#rosterJson);
      for (const connection of [...this.#rosterWatchers]) connection.write(frame);
    }
    return { changed, framesSent: changes.size, rosterChanged };
  }

  #safeTick(): void {
    try {
      this.tick();
    } catch (error) {
      this.#o.onError(error);
    }
  }
}
