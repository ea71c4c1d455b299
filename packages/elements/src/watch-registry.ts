import type { RoomName, Uid } from '@presence-kit/core';
import { widerWindow } from './room-wants.js';
import type { RoomWants, SubscriptionChange } from './transport.js';

export type Unsubscribe = () => void;

/**
 * Who on the page wants what: listeners per uid (reference-counted, so 300 dots for 40
 * users are 40 subscriptions) and how many want the roster. Changes made in the same
 * frame (a list rendering 300 dots) are batched into one `SubscriptionChange`.
 */
export class WatchRegistry<Listener> {
  readonly #watchers = new Map<Uid, Set<Listener>>();
  #rosterInterest = 0;
  /** Room → the window size each interest asked for (0: everyone). */
  readonly #rooms = new Map<RoomName, number[]>();
  #flushedRooms = '[]';
  /** What the last flush handed on: the next change is the difference from it. */
  readonly #flushedUids = new Set<Uid>();
  #flushedRoster = false;
  #queued = false;
  readonly #onFlush: (change: SubscriptionChange) => void;

  constructor(onFlush: (change: SubscriptionChange) => void) {
    this.#onFlush = onFlush;
  }

  /** Adds a listener for `uid`; the first one for a uid subscribes it. */
  watch(uid: Uid, listener: Listener): Unsubscribe {
    let set = this.#watchers.get(uid);
    if (!set) {
      this.#watchers.set(uid, (set = new Set()));
      this.#queue();
    }
    set.add(listener);
    return once(() => {
      const current = this.#watchers.get(uid);
      if (!current?.delete(listener) || current.size > 0) return;
      this.#watchers.delete(uid);
      // Only at the flush: an element moved in the DOM (removed and re-added in one task) changes nothing.
      this.#queue();
    });
  }

  /** Keeps the roster wanted until the returned function is called. */
  wantRoster(): Unsubscribe {
    this.#rosterInterest += 1;
    this.#queue();
    return once(() => {
      this.#rosterInterest -= 1;
      this.#queue();
    });
  }

  /** Keeps the page in `room` (watching its first `max`, 0: everyone) until the returned function is called. */
  wantRoom(room: RoomName, max: number): Unsubscribe {
    let sizes = this.#rooms.get(room);
    if (!sizes) this.#rooms.set(room, (sizes = []));
    sizes.push(max);
    this.#queue();
    return once(() => {
      const current = this.#rooms.get(room);
      current?.splice(current.indexOf(max), 1);
      if (current?.length === 0) this.#rooms.delete(room);
      this.#queue();
    });
  }

  /** Each wanted room with the largest window any interest asked for. */
  get rooms(): RoomWants {
    const wants: Record<RoomName, number> = Object.create(null);
    for (const [room, sizes] of this.#rooms) wants[room] = sizes.reduce(widerWindow);
    return wants;
  }

  isWatched(uid: Uid): boolean {
    return this.#watchers.has(uid);
  }

  /** A snapshot of the listeners, so one that unsubscribes while being called does not skip another. */
  listeners(uid: Uid): Listener[] {
    return [...(this.#watchers.get(uid) ?? [])];
  }

  get uids(): readonly Uid[] {
    return [...this.#watchers.keys()];
  }

  /** True when nothing is wanted at all. */
  get idle(): boolean {
    return this.#watchers.size === 0 && this.#rosterInterest === 0 && this.#rooms.size === 0;
  }

  #queue(): void {
    if (this.#queued) return;
    this.#queued = true;
    const flush = (): void => {
      if (!this.#queued) return;
      this.#queued = false;
      this.#flush();
    };
    // Animation frames pause in background tabs; the timeout covers those.
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
    setTimeout(flush, 50);
  }

  #flush(): void {
    const add = this.uids.filter((uid) => !this.#flushedUids.has(uid));
    const remove = [...this.#flushedUids].filter((uid) => !this.#watchers.has(uid));
    const roster = this.#rosterInterest > 0;
    const rooms = this.rooms;
    const roomsKey = JSON.stringify(Object.entries(rooms).sort());
    if (add.length === 0 && remove.length === 0 && roster === this.#flushedRoster && roomsKey === this.#flushedRooms)
      return;
    for (const uid of remove) this.#flushedUids.delete(uid);
    for (const uid of add) this.#flushedUids.add(uid);
    this.#flushedRoster = roster;
    this.#flushedRooms = roomsKey;
    this.#onFlush({ add, remove, roster, rooms });
  }
}

/** An unsubscribe that is safe to call twice: a second call never removes a later subscription. */
export function once(fn: () => void): Unsubscribe {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
