import {
  isValidRoom,
  ROOM_NAME_RULE,
  liveStateOf,
  parseWindow,
  type LiveState,
  type RoomName,
  type PresenceWindow,
  type Roster,
  type RosterEntry,
  type Uid,
  type UserStatus,
} from '@presence-kit/core';
import { PresenceRoom } from './presence-room.js';
import { RoomFeed } from './room-feed.js';
import { RosterFeed, type RosterListener } from './roster-feed.js';
import { learnServerTime, serverNow } from './server-clock.js';
import {
  connectTransport,
  type PresenceTransport,
  type RetryOptions,
  type StatusList,
  type SubscriptionChange,
  type TransportEvent,
  type TransportPath,
} from './transport.js';
import { warnInvalidUid, watchableUid } from './uid.js';
import { WatchRegistry, once, type Unsubscribe } from './watch-registry.js';

export type { RosterListener } from './roster-feed.js';
export type { Unsubscribe } from './watch-registry.js';

/** What a watcher sees for one uid. */
export interface WatchedStatus {
  online: boolean;
  /** Present but idle (a page open, no interaction): only from a server with idle on, always with `online`. */
  idle: boolean;
  /** Epoch ms (server clock) of the last activity, or null when never seen. */
  lastSeen: number | null;
  /**
   * True while an open stream vouches for this status. When false (stream down, or
   * not yet connected) it is only the last known status: compute from `lastSeen`.
   */
  live: boolean;
  /**
   * While reconnecting after a drop: the server time the stream dropped, i.e. until when
   * a stream vouched for `online`. Hold an online status until `offlineAt(true,
   * vouchedUntil, window)` rather than ageing the `lastSeen` of the last snapshot. Null
   * while live, and when no stream ever vouched for it.
   */
  vouchedUntil: number | null;
}

/** What `presence-change` carries, and what `onChange` listeners receive. */
export interface PresenceChange {
  uid: Uid;
  online: boolean;
  lastSeen: number | null;
}

/** What `onChange` listeners receive: the change and the state it left the person in. */
export interface PresenceStateChange extends PresenceChange {
  /** `online`, `idle` (present, no interaction; a server with idle on) or `offline`. */
  state: LiveState;
}

export type StatusListener = (status: WatchedStatus) => void;
export type PresenceStoreOptions = RetryOptions;

/**
 * The client side of presence for one endpoint: every element on the page (and any
 * plain JS) shares it. It keeps what is known and who is told: the registry says what
 * is wanted, the transport (one connection per browser, shared by its tabs) delivers the frames, and a
 * frame's online flag is authoritative. When the connection drops, what it vouched for
 * holds (`vouchedUntil`) until the next snapshot.
 */
export class PresenceStore {
  readonly endpoint: string;
  readonly #registry = new WatchRegistry<StatusListener>((change) => this.#onWantedChange(change));
  readonly #transport: PresenceTransport & { readonly path: TransportPath };
  readonly #known = new Map<Uid, UserStatus>();
  /** Uids the connection's snapshot covered. */
  #live = new Set<Uid>();
  /** Uids a dropped connection covered, with the server time it dropped: held until a new snapshot covers them. */
  readonly #vouchedUntil = new Map<Uid, number>();
  #window: PresenceWindow | null = null;
  readonly #changeListeners = new Set<(change: PresenceStateChange) => void>();
  readonly #roster = new RosterFeed(() => this.#registry.wantRoster());
  readonly #rooms = new Map<RoomName, { feed: RoomFeed; handle: PresenceRoom }>();

  constructor(endpoint: string, options: PresenceStoreOptions = {}) {
    this.endpoint = endpoint.replace(/\/+$/, '');
    this.#transport = connectTransport(this.endpoint, (event) => this.#onEvent(event), options);
  }

  /**
   * How this page reaches the server: `worker` (the SharedWorker every tab shares),
   * `leader` (one tab holds the connection for all) or `tab` (its own).
   */
  get transport(): TransportPath {
    return this.#transport.path;
  }

  /** The server's clock, as learnt from the frames' `t`: what labels measure "ago" against. */
  now(): number {
    return serverNow();
  }

  /** The window the server stated in its last snapshot (null before the first): what the fallback applies. */
  get window(): PresenceWindow | null {
    return this.#window;
  }

  /** True while a stream is open and its snapshot has arrived. */
  get connected(): boolean {
    return this.#transport.connected;
  }

  /** The uids currently watched by anyone on the page. */
  get watchedUids(): readonly Uid[] {
    return this.#registry.uids;
  }

  /** The last known status of a watched uid. */
  status(uid: Uid): WatchedStatus | undefined {
    const known = this.#known.get(uid);
    if (!known) return undefined;
    const live = this.#live.has(uid);
    return {
      online: known.online,
      idle: known.idle === true,
      lastSeen: known.last_seen,
      live,
      vouchedUntil: live ? null : (this.#vouchedUntil.get(uid) ?? null),
    };
  }

  /** The last known roster (null until the first one arrives). */
  get roster(): Roster | null {
    return this.#roster.roster;
  }

  /**
   * Watches one uid: `listener` is called at once with the last known status (if
   * any) and again whenever it or its liveness changes. Returns the unsubscribe.
   */
  watch(uid: Uid, listener: StatusListener): Unsubscribe {
    if (!watchableUid(uid)) {
      warnInvalidUid(uid);
      return () => {};
    }
    const unwatch = this.#registry.watch(uid, listener);
    const status = this.status(uid);
    if (status) listener(status);
    return unwatch;
  }

  /** Watches who is online: called at once with the last known roster (if any), then on every change. */
  watchRoster(listener: RosterListener): Unsubscribe {
    return this.#roster.watch(listener);
  }

  /** Called when a watched uid's state (online, idle, offline) or last activity really changes. */
  onChange(listener: (change: PresenceStateChange) => void): Unsubscribe {
    this.#changeListeners.add(listener);
    return once(() => this.#changeListeners.delete(listener));
  }

  /** Called for each person who appears in the roster (subscribes to the roster). */
  onJoin(listener: (entry: RosterEntry) => void): Unsubscribe {
    return this.#roster.onJoin(listener);
  }

  /** Called for each person who leaves the roster (subscribes to the roster). */
  onLeave(listener: (entry: RosterEntry) => void): Unsubscribe {
    return this.#roster.onLeave(listener);
  }

  /**
   * One room (`doc:42`): who is in it, join and leave listeners, and the page's own state and
   * typing there. The page is in the room while something enters it (`<presence-here>`, `enter`, `watch`).
   */
  room(name: RoomName): PresenceRoom {
    if (!isValidRoom(name))
      throw new TypeError(
        `presence-kit: ${JSON.stringify(String(name).slice(0, 70))} is not a room name; use ${ROOM_NAME_RULE}, like "doc:42".`,
      );
    let room = this.#rooms.get(name);
    if (!room) {
      const feed = new RoomFeed(name);
      const handle = new PresenceRoom(name, this.endpoint, feed, (max) => this.#registry.wantRoom(name, max));
      this.#rooms.set(name, (room = { feed, handle }));
    }
    return room.handle;
  }

  /** Reconnects at once (e.g. the network came back) instead of waiting out the backoff. */
  reconnectNow(): void {
    this.#transport.reconnectNow();
  }

  #onWantedChange(change: SubscriptionChange): void {
    // What is known about a uid nobody watches any more is forgotten; a new watcher starts fresh.
    for (const uid of change.remove) {
      this.#known.delete(uid);
      this.#live.delete(uid);
      this.#vouchedUntil.delete(uid);
    }
    // A room nobody on the page is in any more starts again from its next window.
    for (const [name, room] of this.#rooms) if (!(name in (change.rooms ?? {}))) room.feed.reset();
    this.#transport.update(change);
    if (this.#registry.idle) {
      this.#live = new Set();
      this.#vouchedUntil.clear();
      this.#roster.reset();
    }
  }

  #onEvent(event: TransportEvent): void {
    if (event.type === 'snapshot') this.#onSnapshot(event);
    else if (event.type === 'presence') {
      learnClock(event.t);
      this.#applyAll(event.users, (uid) => this.#live.has(uid), false);
    } else if (event.type === 'roster') {
      learnClock(event.t);
      this.#roster.apply(event.roster);
    } else if (event.type === 'room') {
      learnClock(event.t);
      this.#rooms.get(event.room)?.feed.apply(event.view, event.refused ?? null);
    } else if (event.type === 'dropped') this.#onDropped();
    else if (event.type === 'restore') this.#onRestore(event.users, event.at, event.window, event.roster);
  }

  #onSnapshot({ t, window, users, covered, roster }: Extract<TransportEvent, { type: 'snapshot' }>): void {
    learnClock(t);
    // The server states its window; garbage keeps what was known.
    this.#window = parseWindow(window, this.#window ?? undefined);
    const wasLive = this.#live;
    this.#live = new Set(covered.filter((uid) => this.#registry.isWatched(uid)));
    // The new snapshot replaces whatever the dropped stream vouched for.
    for (const uid of this.#live) this.#vouchedUntil.delete(uid);
    this.#applyAll(users, (uid) => this.#live.has(uid), true, wasLive);
    // Uids that became live with no new status (resumed unchanged), and uids no longer covered.
    for (const uid of this.#live) if (!wasLive.has(uid)) this.#notify(uid);
    for (const uid of wasLive) if (!this.#live.has(uid)) this.#notify(uid);
    if (!roster) this.#roster.lapse();
  }

  /** What the previous page of this tab knew: shown at first paint, held like a dropped stream's. */
  #onRestore(users: StatusList, at: number, window: PresenceWindow, roster: Roster | null): void {
    this.#window ??= parseWindow(window);
    for (const [uid, status] of users) {
      if (this.#live.has(uid)) continue;
      this.#vouchedUntil.set(uid, at);
      this.#apply(uid, status, false, true);
    }
    if (roster) this.#roster.restore(roster);
  }

  #applyAll(users: StatusList, accept: (uid: Uid) => boolean, snapshot: boolean, wasLive?: ReadonlySet<Uid>): void {
    for (const [uid, status] of users) {
      // A status arriving with a snapshot notifies below, once, with its liveness.
      if (accept(uid)) this.#apply(uid, status, false, snapshot && !wasLive?.has(uid));
    }
  }

  #onDropped(): void {
    const wasLive = this.#live;
    this.#live = new Set();
    // The stream vouched for these until now: what it last said holds while reconnecting,
    // instead of ageing a last_seen that may be older than the window.
    const droppedAt = this.now();
    for (const uid of wasLive) this.#vouchedUntil.set(uid, droppedAt);
    for (const uid of wasLive) this.#notify(uid);
    this.#roster.lapse();
  }

  /** `quiet`: the caller notifies (a snapshot's newly live uids, once each). */
  #apply(uid: Uid, next: UserStatus, livenessChanged: boolean, quiet = false): void {
    if (typeof next !== 'object' || next === null) return;
    const status: UserStatus = {
      online: next.online === true,
      last_seen: typeof next.last_seen === 'number' ? next.last_seen : null,
    };
    // Idle only ever marks a present person.
    if (status.online && next.idle === true) status.idle = true;
    const previous = this.#known.get(uid);
    this.#known.set(uid, status);
    const changed =
      previous !== undefined &&
      (previous.online !== status.online || previous.idle !== status.idle || previous.last_seen !== status.last_seen);
    if (!quiet && (changed || previous === undefined || livenessChanged)) this.#notify(uid);
    if (changed) {
      const change: PresenceStateChange = {
        uid,
        online: status.online,
        lastSeen: status.last_seen,
        state: liveStateOf(status),
      };
      for (const listener of [...this.#changeListeners]) listener(change);
    }
  }

  #notify(uid: Uid): void {
    const status = this.status(uid);
    if (!status) return;
    for (const listener of this.#registry.listeners(uid)) listener(status);
  }
}

function learnClock(t: unknown): void {
  if (typeof t === 'number') learnServerTime(t, 'stream');
}
