import {
  PROTOCOL_VERSION,
  applyRoomFrame,
  applyRosterFrame,
  isValidRoom,
  type RoomFrame,
  type RoomName,
  type RoomView,
  clockOffset,
  defaultWriteSeconds,
  decodeStatuses,
  type HelloFrame,
  type PresenceWindow,
  type Roster,
  type RosterDeltaFrame,
  type RosterWindowFrame,
  type StatusFrame,
  type Uid,
  type UserStatus,
} from '@presence-kit/core';
import type { ResumePoint, ResumeState } from './resume-point.js';
import type { SubscriptionSender } from './subscription-sender.js';
import type { StatusList, TransportListener } from './transport.js';

/**
 * A session's frames, from untrusted data to transport events, and what they vouch for: the
 * uids whose snapshot arrived (live), the roster, the server's clock and window, and the
 * resume point each frame's id moves on. Only frames about what the sender subscribed count.
 */
export class SessionFrames {
  readonly #subscription: SubscriptionSender;
  readonly #known: ResumePoint;
  readonly #emit: TransportListener;
  readonly #live = new Set<Uid>();
  #rosterLive = false;
  #roster: Roster | null = null;
  /** The rooms the session is in, as their frames built them (live until the session drops). */
  readonly #rooms = new Map<RoomName, RoomView>();
  /** Server clock minus the device clock, from the last frame's `t`. */
  #offset = 0;
  #window: PresenceWindow = { timeoutSeconds: 60, marginSeconds: 20 };
  /** The hello's `write`, when the server states it. */
  #writeSeconds: number | null = null;

  constructor(subscription: SubscriptionSender, known: ResumePoint, emit: TransportListener) {
    this.#subscription = subscription;
    this.#known = known;
    this.#emit = emit;
  }

  now(): number {
    return Date.now() + this.#offset;
  }

  get window(): PresenceWindow {
    return this.#window;
  }

  /** How often the page may report activity: the server's write period, else half the window's timeout. */
  get writeSeconds(): number {
    return this.#writeSeconds ?? defaultWriteSeconds(this.#window.timeoutSeconds);
  }

  liveStatus(uid: Uid): UserStatus | undefined {
    return this.#live.has(uid) ? this.#known.statuses.get(uid) : undefined;
  }

  get liveRoster(): Roster | null {
    return this.#rosterLive ? this.#roster : null;
  }

  liveRoom(room: RoomName): RoomView | undefined {
    return this.#rooms.get(room);
  }

  /** The page left these rooms (or was refused them): their views are gone. */
  forgetRooms(keep: (room: RoomName) => boolean): void {
    for (const room of this.#rooms.keys()) if (!keep(room)) this.#rooms.delete(room);
  }

  /** Takes what a previous page knew, except where a live status knows better. */
  seed(state: ResumeState): void {
    this.#known.position = state.position;
    for (const [uid, status] of state.statuses) if (!this.#live.has(uid)) this.#known.statuses.set(uid, status);
  }

  /** The server stops telling us about these: what we know goes stale, so it must not be `known`. */
  forget(uids: readonly Uid[]): void {
    for (const uid of uids) {
      this.#known.statuses.delete(uid);
      this.#live.delete(uid);
    }
  }

  /** The session dropped: nothing is live until the next snapshot. True if something was. */
  drop(): boolean {
    const wasLive = this.#live.size > 0 || this.#rosterLive || this.#rooms.size > 0;
    this.#rooms.clear();
    this.#live.clear();
    this.#rosterLive = false;
    return wasLive;
  }

  rosterOff(): void {
    this.#rosterLive = false;
    this.#roster = null;
  }

  /** The session id of a hello this client can speak to, else null (the frame is ignored). */
  hello(event: MessageEvent<string>): string | null {
    const hello = parse<HelloFrame>(event);
    if (!hello || hello.v !== PROTOCOL_VERSION || typeof hello.sid !== 'string') return null;
    const [timeoutSeconds, marginSeconds] = Array.isArray(hello.window) ? hello.window : [];
    if (typeof timeoutSeconds === 'number' && typeof marginSeconds === 'number')
      this.#window = { timeoutSeconds, marginSeconds };
    const write = hello.write;
    this.#writeSeconds = typeof write === 'number' && Number.isFinite(write) && write >= 0 ? write : null;
    this.#offset = clockOffset(hello.t, Date.now());
    return hello.sid;
  }

  snapshot(event: MessageEvent<string>): void {
    const frame = parse<StatusFrame>(event);
    // Taken even from a frame that does not parse: it still answered the oldest batch.
    const batch = this.#subscription.snapshotArrived();
    if (!frame || !batch) return;
    this.#advance(event, frame.t);
    const fresh = decodeStatuses(frame);
    const users: StatusList = [];
    for (const uid of batch) {
      // Left out of the frame: `known` and unchanged since `since`, so what we kept still holds.
      const status = fresh[uid] ?? this.#known.statuses.get(uid);
      if (!status || !this.#subscription.wants(uid)) continue;
      this.#known.statuses.set(uid, status);
      this.#live.add(uid);
      users.push([uid, status]);
    }
    this.#emit({
      type: 'snapshot',
      t: frame.t,
      window: this.#window,
      users,
      covered: [...this.#live],
      roster: this.#rosterLive,
      position: this.#known.position,
    });
  }

  presence(event: MessageEvent<string>): void {
    const frame = parse<StatusFrame>(event);
    if (!frame) return;
    this.#advance(event, frame.t);
    const users: StatusList = [];
    for (const [uid, status] of Object.entries(decodeStatuses(frame))) {
      if (!this.#subscription.subscribed.has(uid)) continue;
      this.#known.statuses.set(uid, status);
      if (this.#live.has(uid)) users.push([uid, status]);
    }
    this.#emit({ type: 'presence', t: frame.t, users, position: this.#known.position });
  }

  roster(event: MessageEvent<string>): void {
    const frame = parse<RosterWindowFrame | RosterDeltaFrame>(event);
    if (!frame || typeof frame.count !== 'number' || !this.#subscription.rosterSubscribed) return;
    this.#advance(event, frame.t);
    if ('users' in frame) {
      this.#subscription.rosterArrived();
      this.#rosterLive = true;
    } else if (!this.#roster) return;
    this.#roster = applyRosterFrame(this.#roster?.users ?? [], frame);
    this.#emit({ type: 'roster', t: frame.t, roster: this.#roster, position: this.#known.position });
  }

  /** A room frame (no id: it moves no resume position): a window replaces the room, a delta changes it. */
  room(event: MessageEvent<string>): void {
    const frame = parse<RoomFrame>(event);
    if (!frame || !isValidRoom(frame.room) || typeof frame.count !== 'number') return;
    if (!this.#subscription.inRoom(frame.room)) return;
    const previous = this.#rooms.get(frame.room) ?? null;
    if (!('users' in frame) && !previous) return;
    this.#offset = clockOffset(frame.t, Date.now());
    const view = applyRoomFrame(previous, frame);
    this.#rooms.set(frame.room, view);
    this.#emit({ type: 'room', t: frame.t, room: frame.room, view });
  }

  #advance(event: MessageEvent<string>, t: number): void {
    this.#offset = clockOffset(t, Date.now());
    this.#known.advance(event.lastEventId, this.#subscription.subscribed);
  }
}

/** A frame from untrusted data: anything that is not a JSON object with a numeric `t` is dropped. */
function parse<T extends { t: number }>(event: MessageEvent<string>): T | null {
  try {
    const value = JSON.parse(event.data) as T | null;
    return typeof value === 'object' && value !== null && Number.isFinite(value.t) ? value : null;
  } catch {
    return null;
  }
}
