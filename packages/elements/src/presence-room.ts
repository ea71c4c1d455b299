import {
  MAX_ROOM_STATE_BYTES,
  isRoomState,
  roomStateBytes,
  type RoomMember,
  type RoomName,
  type RoomState,
  type Uid,
} from '@presence-kit/core';
import { readErrorBody } from './error-body.js';
import type { RoomFeed, RoomListener, RoomMemberListener } from './room-feed.js';
import { once, type Unsubscribe } from './watch-registry.js';

/** A state is sent at most this often; the last one set in between goes at the end of the wait. */
const STATE_THROTTLE_MS = 250;
/** While someone keeps typing, the signal is repeated this often (the receivers hold each one for a few seconds). */
const TYPING_REPEAT_MS = 2000;

/**
 * One room of a store, for scripts (`store.room('doc:42')`) and the room elements: who is in it,
 * the page's own user's state and typing there, and join/leave listeners. Entering is explicit
 * (`enter`, or `watch`, which enters while it watches): the page is in the room while anything
 * keeps it there, and leaves it (after the server's grace) when nothing does.
 */
export class PresenceRoom {
  readonly name: RoomName;
  readonly #endpoint: string;
  readonly #feed: RoomFeed;
  readonly #want: (max: number) => Unsubscribe;
  #pendingState: { state: RoomState | null } | null = null;
  #stateTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the last state and typing signal went, on `performance.now()`: a clock set back must not silence them. */
  #lastStateAt = -Infinity;
  #typingSentAt = -Infinity;
  readonly #logged = new Set<string>();

  constructor(name: RoomName, endpoint: string, feed: RoomFeed, want: (max: number) => Unsubscribe) {
    this.name = name;
    this.#endpoint = endpoint;
    this.#feed = feed;
    this.#want = want;
  }

  /** The members the page holds (the first `max` alphabetically of the largest window asked for). */
  get members(): readonly RoomMember[] {
    return this.#feed.snapshot.view?.members ?? [];
  }

  /** Everyone in the room, shown or not. */
  get count(): number {
    return this.#feed.snapshot.view?.count ?? 0;
  }

  /** The page's own signed-in user, when a member (null for a guest, or before the first frame). */
  get me(): Uid | null {
    return this.#feed.snapshot.view?.me ?? null;
  }

  /** Who is typing now, besides the page's own user (uids, then the members among them the page holds). */
  get typingUids(): Uid[] {
    const view = this.#feed.snapshot.view;
    return [...(view?.typing.keys() ?? [])].filter((uid) => uid !== view?.me);
  }

  /** Puts the page in the room (watching its first `max`, 0: everyone) until the returned function is called. */
  enter(max = 0): Unsubscribe {
    return this.#want(max);
  }

  /** Enters the room and calls `listener` with it now (if known) and on every change, until the returned function is called. */
  watch(listener: RoomListener, max = 0): Unsubscribe {
    const leave = this.#want(max);
    const unwatch = this.#feed.watch(listener);
    return once(() => {
      unwatch();
      leave();
    });
  }

  /** Someone else entered the room (never the page's own user). */
  onJoin(listener: RoomMemberListener): Unsubscribe {
    return this.#feed.onJoin(listener);
  }

  /** Someone else left the room (after the server's grace). */
  onLeave(listener: RoomMemberListener): Unsubscribe {
    return this.#feed.onLeave(listener);
  }

  /**
   * Sets the page's own user's state in this room (a small JSON object; null clears it), shown to
   * everyone in the room. Throttled: the last state set within a quarter second is what goes.
   * Throws, sending nothing, for a state that is not a JSON object or is over 1 KiB.
   */
  set(state: RoomState | null): void {
    if (state !== null && !isRoomState(state))
      throw new TypeError(`presence-kit: a room state is a plain JSON object like {"color": "#e91e63"}, or null.`);
    const bytes = roomStateBytes(state);
    if (bytes > MAX_ROOM_STATE_BYTES)
      throw new RangeError(
        `presence-kit: a room state may take at most ${MAX_ROOM_STATE_BYTES} bytes of JSON and this one takes ${bytes}; nothing was sent. Keep it small (a colour, a status, ids).`,
      );
    this.#pendingState = { state };
    if (this.#stateTimer !== undefined) return;
    const wait = Math.max(0, this.#lastStateAt + STATE_THROTTLE_MS - performance.now());
    this.#stateTimer = setTimeout(() => {
      this.#stateTimer = undefined;
      const pending = this.#pendingState;
      this.#pendingState = null;
      this.#lastStateAt = performance.now();
      if (pending) void this.#post('room-state', { room: this.name, state: pending.state });
    }, wait);
  }

  /** Call on every keystroke: the signal goes at most every 2 s while typing goes on, and runs out by itself on the receivers. */
  typing(): void {
    const now = performance.now();
    if (now - this.#typingSentAt < TYPING_REPEAT_MS) return;
    this.#typingSentAt = now;
    void this.#post('room-typing', { room: this.name, typing: true });
  }

  /** The message was sent (or the draft cleared): the others' indicator goes at once. */
  stopTyping(): void {
    if (this.#typingSentAt === -Infinity) return;
    this.#typingSentAt = -Infinity;
    void this.#post('room-typing', { room: this.name, typing: false });
  }

  async #post(path: string, body: unknown): Promise<void> {
    let message: string;
    try {
      const response = await fetch(`${this.#endpoint}/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.ok) return;
      message = `presence-kit: the server refused ${path} in room "${this.name}" (${response.status}): ${(await readErrorBody(response)).message}`;
    } catch (error) {
      message = `presence-kit: ${path} in room "${this.name}" failed: ${String(error)}`;
    }
    // Once per message: a page typing away must not flood the console.
    if (this.#logged.has(message)) return;
    this.#logged.add(message);
    console.error(message);
  }
}
