import {
  parseWindow,
  type PresenceFrame,
  type PresenceWindow,
  type Roster,
  type RosterEntry,
  type RosterFrame,
  type SnapshotFrame,
  type Uid,
  type UserStatus,
} from '@presence-kit/core';
import { RosterFeed, type RosterListener } from './roster-feed.js';
import { learnServerTime, serverNow } from './server-clock.js';
import type { RetryOptions } from './stream-client.js';
import { connectTransport, type Coverage, type PresenceTransport, type SubscriptionChange } from './transport.js';
import { warnInvalidUid, watchableUid } from './uid.js';
import { WatchRegistry, once, type Unsubscribe } from './watch-registry.js';

export type { RosterListener } from './roster-feed.js';
export type { Unsubscribe } from './watch-registry.js';

/** What a watcher sees for one uid. */
export interface WatchedStatus {
  online: boolean;
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

export type StatusListener = (status: WatchedStatus) => void;
export type PresenceStoreOptions = RetryOptions;

/**
 * The client side of presence for one endpoint: every element on the page (and any
 * plain JS) shares it. It keeps what is known and who is told: the registry says what
 * is wanted, the transport (today one EventSource per page) delivers the frames, and a
 * frame's online flag is authoritative. When the connection drops, what it vouched for
 * holds (`vouchedUntil`) until the next snapshot.
 */
export class PresenceStore {
  readonly endpoint: string;
  readonly #registry = new WatchRegistry<StatusListener>((change) => this.#onWantedChange(change));
  readonly #transport: PresenceTransport;
  readonly #known = new Map<Uid, UserStatus>();
  /** Uids the connection's snapshot covered. */
  #live = new Set<Uid>();
  /** Uids a dropped connection covered, with the server time it dropped: held until a new snapshot covers them. */
  readonly #vouchedUntil = new Map<Uid, number>();
  #window: PresenceWindow | null = null;
  readonly #changeListeners = new Set<(change: PresenceChange) => void>();
  readonly #roster = new RosterFeed(() => this.#registry.wantRoster());

  constructor(endpoint: string, options: PresenceStoreOptions = {}) {
    this.endpoint = endpoint.replace(/\/+$/, '');
    this.#transport = connectTransport(
      this.endpoint,
      {
        snapshot: (frame, covered) => this.#onSnapshot(frame, covered),
        presence: (frame) => this.#onPresence(frame),
        roster: (frame) => this.#onRoster(frame),
        dropped: () => this.#onDropped(),
      },
      options,
    );
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
    return { online: known.online, lastSeen: known.last_seen, live, vouchedUntil: live ? null : (this.#vouchedUntil.get(uid) ?? null) };
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

  /** Called when a watched uid's online flag or last activity really changes. */
  onChange(listener: (change: PresenceChange) => void): Unsubscribe {
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
    this.#transport.update(change);
    if (this.#registry.idle) {
      this.#live = new Set();
      this.#vouchedUntil.clear();
      this.#roster.reset();
    }
  }

  #onSnapshot(frame: SnapshotFrame, covered: Coverage): void {
    learnClock(frame.t);
    // The server states its window; one from an older server (none) or garbage keeps what was known.
    if (frame.window !== undefined) this.#window = parseWindow(frame.window, this.#window ?? undefined);
    const wasLive = this.#live;
    this.#live = new Set([...covered.uids].filter((uid) => this.#registry.isWatched(uid)));
    for (const uid of this.#live) {
      // The new snapshot replaces whatever the dropped stream vouched for.
      this.#vouchedUntil.delete(uid);
      const status = frame.users[uid];
      if (status) this.#apply(uid, status, !wasLive.has(uid));
    }
    // Uids the previous stream covered but this one does not (rare: set changed mid-handover).
    for (const uid of wasLive) if (!this.#live.has(uid)) this.#notify(uid);
    if (covered.roster && frame.roster) this.#roster.apply(frame.roster);
    else this.#roster.lapse();
  }

  #onPresence(frame: PresenceFrame): void {
    learnClock(frame.t);
    for (const [uid, status] of Object.entries(frame.users)) {
      if (this.#live.has(uid)) this.#apply(uid, status, false);
    }
  }

  #onRoster(frame: RosterFrame): void {
    learnClock(frame.t);
    this.#roster.apply({ count: frame.count, users: frame.users });
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

  #apply(uid: Uid, next: UserStatus, livenessChanged: boolean): void {
    if (typeof next !== 'object' || next === null) return;
    const status: UserStatus = {
      online: next.online === true,
      last_seen: typeof next.last_seen === 'number' ? next.last_seen : null,
    };
    const previous = this.#known.get(uid);
    this.#known.set(uid, status);
    const changed = previous !== undefined && (previous.online !== status.online || previous.last_seen !== status.last_seen);
    if (changed || previous === undefined || livenessChanged) this.#notify(uid);
    if (changed) {
      const change: PresenceChange = { uid, online: status.online, lastSeen: status.last_seen };
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
