import {
  EVENT,
  parseWindow,
  streamQuery,
  type PresenceFrame,
  type PresenceWindow,
  type Roster,
  type RosterEntry,
  type RosterFrame,
  type SnapshotFrame,
  type Uid,
  type UserStatus,
} from '@presence-kit/core';
import { normalizeEndpoint, resolveEndpoint } from './config.js';
import { learnServerTime, serverNow } from './server-clock.js';
import { warnInvalidUid, watchableUid } from './uid.js';

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

/** The detail of `presence-change`, and what `onChange` listeners receive. */
export interface PresenceChange {
  uid: Uid;
  online: boolean;
  lastSeen: number | null;
}

export type StatusListener = (status: WatchedStatus) => void;
export type RosterListener = (roster: Roster, live: boolean) => void;
export type Unsubscribe = () => void;

export interface PresenceStoreOptions {
  /** First reconnect delay after a drop; doubles per failed attempt. Default 1000 ms. */
  minRetryMs?: number;
  /** Longest reconnect delay. Default 30 s. */
  maxRetryMs?: number;
}

interface Stream {
  source: EventSource;
  /** The query string it was opened with: equal sets give equal keys. */
  key: string;
  uids: ReadonlySet<Uid>;
  roster: boolean;
}

/**
 * The client side of presence for one endpoint: every element on the page (and any
 * plain JS) shares it. Uids are deduped with reference counts, and ONE EventSource
 * carries every watched uid and the roster.
 *
 * When the watched set changes, changes in the same frame are batched, a new stream
 * opens with the whole set, and the old one closes only once the new snapshot has
 * arrived, so no transition falls between the two. After any drop it reconnects with
 * exponential backoff and jitter; each snapshot replaces what was known before.
 */
export class PresenceStore {
  readonly endpoint: string;
  readonly #minRetryMs: number;
  readonly #maxRetryMs: number;
  readonly #watchers = new Map<Uid, Set<StatusListener>>();
  readonly #known = new Map<Uid, UserStatus>();
  /** Uids whose status the active stream's snapshot covered. */
  #live = new Set<Uid>();
  /** Uids a dropped stream covered, with the server time it dropped: held until a new snapshot covers them. */
  readonly #vouchedUntil = new Map<Uid, number>();
  #window: PresenceWindow | null = null;
  readonly #rosterWatchers = new Set<RosterListener>();
  readonly #changeListeners = new Set<(change: PresenceChange) => void>();
  readonly #joinListeners = new Set<(entry: RosterEntry) => void>();
  readonly #leaveListeners = new Set<(entry: RosterEntry) => void>();
  #roster: Roster | null = null;
  #rosterLive = false;
  #active: Stream | null = null;
  #pending: Stream | null = null;
  #flushQueued = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;

  constructor(endpoint: string, options: PresenceStoreOptions = {}) {
    this.endpoint = endpoint.replace(/\/+$/, '');
    this.#minRetryMs = options.minRetryMs ?? 1000;
    this.#maxRetryMs = options.maxRetryMs ?? 30_000;
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
    return this.#active !== null;
  }

  /** The uids currently watched by anyone on the page. */
  get watchedUids(): readonly Uid[] {
    return [...this.#watchers.keys()];
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
    return this.#roster;
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
    let set = this.#watchers.get(uid);
    if (!set) {
      this.#watchers.set(uid, (set = new Set()));
      this.#queueFlush();
    }
    set.add(listener);
    const status = this.status(uid);
    if (status) listener(status);
    return once(() => {
      const current = this.#watchers.get(uid);
      if (!current?.delete(listener) || current.size > 0) return;
      // What is known stays until the flush, so an element moved in the DOM (removed
      // and re-added in one task) keeps its live status and the stream stays as it is.
      this.#watchers.delete(uid);
      this.#queueFlush();
    });
  }

  /** Watches who is online: called at once with the last known roster (if any), then on every change. */
  watchRoster(listener: RosterListener): Unsubscribe {
    this.#rosterWatchers.add(listener);
    if (this.#roster) listener(this.#roster, this.#rosterLive);
    return this.#interest(this.#rosterWatchers, listener);
  }

  /** Called when a watched uid's online flag or last activity really changes. */
  onChange(listener: (change: PresenceChange) => void): Unsubscribe {
    this.#changeListeners.add(listener);
    return once(() => this.#changeListeners.delete(listener));
  }

  /** Called for each person who appears in the roster (subscribes to the roster). */
  onJoin(listener: (entry: RosterEntry) => void): Unsubscribe {
    this.#joinListeners.add(listener);
    return this.#interest(this.#joinListeners, listener);
  }

  /** Called for each person who leaves the roster (subscribes to the roster). */
  onLeave(listener: (entry: RosterEntry) => void): Unsubscribe {
    this.#leaveListeners.add(listener);
    return this.#interest(this.#leaveListeners, listener);
  }

  /** Roster listeners of any kind keep the roster in the stream. */
  #interest<T>(set: Set<T>, listener: T): Unsubscribe {
    this.#queueFlush();
    return once(() => {
      set.delete(listener);
      this.#queueFlush();
    });
  }

  get #wantsRoster(): boolean {
    return this.#rosterWatchers.size + this.#joinListeners.size + this.#leaveListeners.size > 0;
  }

  /** Coalesces every change made in the same frame (a list rendering 300 dots) into one new stream. */
  #queueFlush(): void {
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    const flush = (): void => {
      if (!this.#flushQueued) return;
      this.#flushQueued = false;
      this.#flush();
    };
    // Animation frames pause in background tabs; the timeout covers those.
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
    setTimeout(flush, 50);
  }

  #flush(): void {
    for (const uid of this.#known.keys()) {
      if (!this.#watchers.has(uid)) {
        this.#known.delete(uid);
        this.#live.delete(uid);
        this.#vouchedUntil.delete(uid);
      }
    }
    const uids = [...this.#watchers.keys()];
    const roster = this.#wantsRoster;
    if (uids.length === 0 && !roster) {
      this.#shutdown();
      return;
    }
    const key = streamQuery(uids, roster);
    if ((this.#pending ?? this.#active)?.key === key) return;
    // Waiting out a backoff: the retry opens whatever set is wanted by then.
    if (this.#retryTimer !== undefined) return;
    if (this.#pending) this.#pending.source.close();
    this.#pending = this.#open(key, uids, roster);
  }

  #open(key: string, uids: readonly Uid[], roster: boolean): Stream {
    const source = new EventSource(`${this.endpoint}/stream?${key}`);
    const stream: Stream = { source, key, uids: new Set(uids), roster };
    source.addEventListener(EVENT.snapshot, (e) => this.#onSnapshot(stream, parse<SnapshotFrame>(e)));
    source.addEventListener(EVENT.presence, (e) => this.#onPresence(stream, parse<PresenceFrame>(e)));
    source.addEventListener(EVENT.roster, (e) => this.#onRoster(stream, parse<RosterFrame>(e)));
    source.addEventListener('error', () => this.#onError(stream));
    return stream;
  }

  #onSnapshot(stream: Stream, frame: SnapshotFrame | null): void {
    if (!frame || (stream !== this.#pending && stream !== this.#active)) return;
    if (stream === this.#pending) {
      // The new stream is subscribed: only now may the old one go.
      this.#active?.source.close();
      this.#active = stream;
      this.#pending = null;
    }
    this.#attempt = 0;
    this.#learnClock(frame.t);
    // The server states its window; one from an older server (none) or garbage keeps what was known.
    if (frame.window !== undefined) this.#window = parseWindow(frame.window, this.#window ?? undefined);
    const wasLive = this.#live;
    this.#live = new Set([...stream.uids].filter((uid) => this.#watchers.has(uid)));
    for (const uid of this.#live) {
      // The new snapshot replaces whatever the dropped stream vouched for.
      this.#vouchedUntil.delete(uid);
      const status = frame.users[uid];
      if (status) this.#apply(uid, status, !wasLive.has(uid));
    }
    // Uids the previous stream covered but this one does not (rare: set changed mid-handover).
    for (const uid of wasLive) if (!this.#live.has(uid)) this.#notify(uid);
    if (stream.roster && frame.roster) this.#applyRoster(frame.roster, true);
    else if (this.#rosterLive) this.#setRosterLive(false);
    // A set change that arrived while this stream was connecting.
    this.#queueFlush();
  }

  #onPresence(stream: Stream, frame: PresenceFrame | null): void {
    if (!frame || stream !== this.#active) return;
    this.#learnClock(frame.t);
    for (const [uid, status] of Object.entries(frame.users)) {
      if (this.#live.has(uid)) this.#apply(uid, status, false);
    }
  }

  #onRoster(stream: Stream, frame: RosterFrame | null): void {
    if (!frame || stream !== this.#active || !Array.isArray(frame.users)) return;
    this.#learnClock(frame.t);
    this.#applyRoster({ count: frame.count, users: frame.users }, true);
  }

  /**
   * Any drop (server restart, network loss, a 4xx/5xx): close it ourselves and
   * reconnect with backoff and jitter, instead of the browser's fixed retry, which
   * gives up entirely on an error status.
   */
  #onError(stream: Stream): void {
    stream.source.close();
    if (stream === this.#pending) this.#pending = null;
    if (stream === this.#active) {
      this.#active = null;
      const wasLive = this.#live;
      this.#live = new Set();
      // The stream vouched for these until now: what it last said holds while reconnecting,
      // instead of ageing a last_seen that may be older than the window.
      const droppedAt = this.now();
      for (const uid of wasLive) this.#vouchedUntil.set(uid, droppedAt);
      for (const uid of wasLive) this.#notify(uid);
      if (this.#rosterLive) this.#setRosterLive(false);
    }
    if (!this.#pending) this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#retryTimer !== undefined) return;
    const ceiling = Math.min(this.#maxRetryMs, this.#minRetryMs * 2 ** this.#attempt);
    this.#attempt += 1;
    // Jitter spreads the reconnects of every page after a server restart.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#flush();
    }, delay);
  }

  /** Reconnects at once (e.g. the network came back) instead of waiting out the backoff. */
  reconnectNow(): void {
    if (this.#retryTimer === undefined) return;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#flush();
  }

  #shutdown(): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#attempt = 0;
    this.#pending?.source.close();
    this.#active?.source.close();
    this.#pending = this.#active = null;
    this.#live = new Set();
    this.#vouchedUntil.clear();
    this.#rosterLive = false;
    this.#roster = null;
  }

  #learnClock(t: unknown): void {
    if (typeof t === 'number') learnServerTime(t, 'stream');
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
    for (const listener of [...(this.#watchers.get(uid) ?? [])]) listener(status);
  }

  #applyRoster(next: Roster, live: boolean): void {
    const previous = this.#roster;
    this.#roster = next;
    this.#rosterLive = live;
    for (const listener of [...this.#rosterWatchers]) listener(next, live);
    if (!previous) return;
    const before = new Set(previous.users.map((entry) => entry.uid));
    const after = new Set(next.users.map((entry) => entry.uid));
    for (const entry of next.users) if (!before.has(entry.uid)) for (const l of [...this.#joinListeners]) l(entry);
    for (const entry of previous.users) if (!after.has(entry.uid)) for (const l of [...this.#leaveListeners]) l(entry);
  }

  #setRosterLive(live: boolean): void {
    this.#rosterLive = live;
    if (this.#roster) for (const listener of [...this.#rosterWatchers]) listener(this.#roster, live);
  }
}

function parse<T>(event: Event): T | null {
  try {
    const value: unknown = JSON.parse((event as MessageEvent<string>).data);
    const frame = value as { t?: unknown; users?: unknown };
    return typeof value === 'object' && value !== null && typeof frame.users === 'object' && frame.users !== null
      ? (value as T)
      : null;
  } catch {
    return null;
  }
}

function once(fn: () => void): Unsubscribe {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

const stores = new Map<string, PresenceStore>();

if (typeof window !== 'undefined') {
  // Back online: retry at once rather than sitting out the rest of a long backoff.
  window.addEventListener('online', () => {
    for (const store of stores.values()) store.reconnectNow();
  });
}

/**
 * The page's one store for an endpoint (created on first use). Without an argument,
 * the endpoint comes from `<meta name="presence-endpoint">` or `configurePresence()`.
 *
 * ```js
 * const store = getPresenceStore('/presence');
 * const stop = store.watch('7', ({ online, lastSeen }) => console.log(online, lastSeen));
 * ```
 */
export function getPresenceStore(endpoint?: string): PresenceStore {
  const key = endpoint === undefined ? resolveEndpoint(null) : normalizeEndpoint(endpoint);
  if (key === null) {
    throw new Error(
      'presence-kit has no endpoint: pass one to getPresenceStore(), or add <meta name="presence-endpoint" content="/presence"> to the page.',
    );
  }
  let store = stores.get(key);
  if (!store) stores.set(key, (store = new PresenceStore(key)));
  return store;
}
