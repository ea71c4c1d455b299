import { ROOM_EVENT, type RoomName, type RoomResponse, type RoomState, type Uid } from '@presence-kit/core';
import type { Session, WindowSize } from '../sessions.js';
import { sseFrame } from '../sse-frame.js';
import { Room } from './room.js';
import type { RoomSharing } from './room-store.js';

const encoder = new TextEncoder();
/** Room frames carry no `id:` (a new session enters its rooms again), so the stream's resume position stays the relay's. */
const roomFrame = (data: unknown): Uint8Array =>
  encoder.encode(sseFrame({ event: ROOM_EVENT, data: JSON.stringify(data) }));

export interface RoomsOptions {
  now: () => number;
  monotonic: () => number;
  tickMs: number;
  graceSeconds: number;
  typingSeconds: number;
  onJoin?: (room: RoomName, uid: Uid) => void;
  onLeave?: (room: RoomName, uid: Uid) => void;
  onError: (error: unknown) => void;
  /** Membership shared with the other processes on the engine's storage (the engine's `rooms`). */
  store?: RoomSharing;
}

/** A member's name and avatar, as the room shows them. */
export interface MemberProfile {
  name: string;
  avatar: string | null;
}

/**
 * Every room this process holds. Membership follows the open sessions (no write per request):
 * a session entering a room makes its signed-in user a member at the next tick; the member
 * leaves `graceSeconds` after their last session here is gone, so a reload never shows a leave.
 * Once per tick each changed room sends each of its window sizes one frame, encoded once.
 */
export class Rooms {
  readonly #o: RoomsOptions;
  readonly #rooms = new Map<RoomName, Room>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: RoomsOptions) {
    this.#o = options;
  }

  get size(): number {
    return this.#rooms.size;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      try {
        this.tick();
      } catch (error) {
        this.#o.onError(error);
      }
    }, this.#o.tickMs);
    this.#timer.unref?.();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Enters (or resizes) one room for a session: it watches at once, gets the window now, and its user joins at the next tick. */
  enter(session: Session, name: RoomName, size: WindowSize, profile: MemberProfile | null): void {
    const room = this.#room(name);
    session.rooms.set(name, size);
    room.watch(session, size);
    if (session.user !== null && profile) {
      const now = this.#o.now();
      if (room.arrive(session, { uid: session.user, ...profile, last_seen: now }))
        this.#o.store?.queue(room.rowFor(session.user, true, now));
    }
    const t = this.#o.now();
    session.connection.write(roomFrame(room.windowFor(size, t, session.user)));
  }

  leave(session: Session, name: RoomName): void {
    const room = this.#rooms.get(name);
    session.rooms.delete(name);
    if (!room) return;
    room.unwatch(session);
    if (session.user !== null) room.depart(session, session.user, this.#o.monotonic() + this.#o.graceSeconds * 1000);
  }

  /** A session's stream closed: it leaves every room it was in. */
  leaveAll(session: Session): void {
    for (const name of [...session.rooms.keys()]) this.leave(session, name);
  }

  /** False when the user has no page in the room (nothing is stored or sent). */
  setState(name: RoomName, uid: Uid, state: RoomState | null): boolean {
    const room = this.#rooms.get(name);
    if (!room?.isHere(uid)) return false;
    room.setState(uid, state);
    this.#o.store?.queue(room.rowFor(uid, true, this.#o.now()));
    return true;
  }

  setTyping(name: RoomName, uid: Uid, typing: boolean): boolean {
    const room = this.#rooms.get(name);
    if (!room?.isHere(uid)) return false;
    room.setTyping(uid, typing, this.#o.now(), this.#o.typingSeconds);
    this.#o.store?.queue(room.rowFor(uid, true, this.#o.now()));
    return true;
  }

  /** Who is in a room now (as last published), alphabetical, with their state: for SSR and `GET /rooms/:room`. */
  members(name: RoomName): RoomResponse {
    const room = this.#rooms.get(name);
    const users = (room?.members.entries ?? []).map((entry) => ({
      uid: entry.uid,
      name: entry.name,
      avatar: entry.avatar,
      since: entry.last_seen,
      state: room?.state.get(entry.uid) ?? null,
    }));
    return { t: this.#o.now(), room: name, count: users.length, users };
  }

  /** Typing expiry, in seconds, the server states in its frames. */
  get typingSeconds(): number {
    return this.#o.typingSeconds;
  }

  /** One step of every room: joins, leaves past the grace, state and typing, one frame per window size. Returns frames sent. */
  tick(): number {
    const t = this.#o.now();
    const monotonic = this.#o.monotonic();
    this.#exchange(t);
    let sent = 0;
    for (const room of this.#rooms.values()) {
      if (room.step(monotonic)) {
        for (const [size, viewers] of room.viewers) {
          const delta = room.deltaFor(size, t);
          if (!delta) continue;
          const frame = roomFrame(delta);
          for (const session of viewers) session.connection.write(frame);
          sent += viewers.size;
        }
        const { joinedHere, left, ended } = room.lastStep;
        for (const uid of ended) this.#o.store?.queue(room.rowFor(uid, false, t));
        room.published();
        // Once across processes: by the one whose pages brought them in, or held them last.
        const endedHere = new Set(ended);
        if (!this.#o.store?.decidesHooks) {
          for (const uid of joinedHere) this.#hook(this.#o.onJoin, room.name, uid);
          for (const uid of left) if (endedHere.has(uid)) this.#hook(this.#o.onLeave, room.name, uid);
        }
      }
      if (room.empty) this.#rooms.delete(room.name);
    }
    return sent;
  }

  /** Writes this process's changes and applies the other processes' (SQLite); a locked file is retried next tick. */
  #exchange(now: number): void {
    // A process with no room and nothing to send has nothing to say or hear.
    if (!this.#o.store || (this.#rooms.size === 0 && !this.#o.store.pending)) return;
    let exchanged;
    try {
      exchanged = this.#o.store.exchange(now);
    } catch (error) {
      this.#o.onError(error);
      return;
    }
    if (exchanged.livenessChanged) for (const room of this.#rooms.values()) room.forgetProcesses(exchanged.live, now);
    for (const row of exchanged.rows) this.#room(row.room).applyRemote(row, now);
    // Where the storage decides (Redis): this process's rows made it the first or the last to hold them.
    for (const { room, uid } of exchanged.joined ?? []) this.#hook(this.#o.onJoin, room, uid);
    for (const { room, uid } of exchanged.left ?? []) this.#hook(this.#o.onLeave, room, uid);
  }

  /** A host's hook that throws costs no one their frames. */
  #hook(hook: ((room: RoomName, uid: Uid) => void) | undefined, room: RoomName, uid: Uid): void {
    try {
      hook?.(room, uid);
    } catch (error) {
      this.#o.onError(error);
    }
  }

  #room(name: RoomName): Room {
    let room = this.#rooms.get(name);
    if (!room) this.#rooms.set(name, (room = new Room(name, this.#o.monotonic, this.#o.typingSeconds)));
    return room;
  }
}
