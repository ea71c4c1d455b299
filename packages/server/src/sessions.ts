import { randomBytes } from 'node:crypto';
import type { Uid } from '@presence-kit/core';
import type { SseConnection } from './sse-connection.js';

/** A roster window size: the first `max` people; `Infinity` is the whole roster. */
export type WindowSize = number;

/** One browser session: its stream, and what it watches, changed in place by `POST /subscribe`. */
export class Session {
  /**
   * 128 random bits, holding which is what lets a client change this subscription, after the
   * node's prefix (on Redis), which tells any node where the session lives.
   */
  readonly sid: string;
  readonly uids = new Set<Uid>();
  /** The roster window it watches, or null. */
  roster: WindowSize | null = null;
  /** The rooms it is in (or watches, for a guest), with the window size of each. */
  readonly rooms = new Map<string, WindowSize>();

  constructor(
    readonly connection: SseConnection,
    prefix = '',
    /** The signed-in user whose browser this is (the host's `resolveUser` when the stream opened), or null for a guest. */
    readonly user: Uid | null = null,
  ) {
    this.sid = prefix + randomBytes(16).toString('base64url');
  }
}

/**
 * Every open session, indexed both ways the relay needs: by sid for a subscription change,
 * and by uid and window size for a tick's fan-out.
 */
export class Sessions {
  readonly #bySid = new Map<string, Session>();
  readonly #watchers = new Map<Uid, Set<Session>>();
  readonly #rosterWatchers = new Map<WindowSize, Set<Session>>();
  /** Called for every session that ends (rooms: its user leaves after the grace). */
  onEnd: ((session: Session) => void) | undefined;

  get size(): number {
    return this.#bySid.size;
  }

  /** How many distinct uids at least one session watches. */
  get watchedUids(): number {
    return this.#watchers.size;
  }

  get(sid: string): Session | undefined {
    return this.#bySid.get(sid);
  }

  all(): IterableIterator<Session> {
    return this.#bySid.values();
  }

  add(session: Session): void {
    this.#bySid.set(session.sid, session);
  }

  /** Forgets a session whose stream closed, with everything it watched. */
  delete(session: Session): void {
    if (!this.#bySid.delete(session.sid)) return;
    this.unwatch(session, [...session.uids]);
    this.setRoster(session, null);
    this.onEnd?.(session);
  }

  watch(session: Session, uids: Iterable<Uid>): void {
    for (const uid of uids) {
      session.uids.add(uid);
      let set = this.#watchers.get(uid);
      if (!set) this.#watchers.set(uid, (set = new Set()));
      set.add(session);
    }
  }

  unwatch(session: Session, uids: Iterable<Uid>): void {
    for (const uid of uids) {
      session.uids.delete(uid);
      const set = this.#watchers.get(uid);
      if (!set) continue;
      set.delete(session);
      if (set.size === 0) this.#watchers.delete(uid);
    }
  }

  setRoster(session: Session, size: WindowSize | null): void {
    if (session.roster === size) return;
    if (session.roster !== null) {
      const set = this.#rosterWatchers.get(session.roster);
      set?.delete(session);
      if (set?.size === 0) this.#rosterWatchers.delete(session.roster);
    }
    session.roster = size;
    if (size === null) return;
    let set = this.#rosterWatchers.get(size);
    if (!set) this.#rosterWatchers.set(size, (set = new Set()));
    set.add(session);
  }

  watchersOf(uid: Uid): ReadonlySet<Session> | undefined {
    return this.#watchers.get(uid);
  }

  /** Roster watchers grouped by window size: a tick computes each size's delta once. */
  rosterWindows(): ReadonlyMap<WindowSize, ReadonlySet<Session>> {
    return this.#rosterWatchers;
  }
}
