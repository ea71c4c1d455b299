import type { RoomName, RoomsSubscription, SubscribeRequest, Uid } from '@presence-kit/core';
import { readErrorBody } from './error-body.js';
import type { ResumePoint } from './resume-point.js';
import type { RoomWants, SubscriptionChange } from './transport.js';

/** How long a busy server (503, 429) is left alone before the same change is sent again. */
const RETRY_BUSY_MS = 1000;

/** What the sender cannot settle itself, for the connection around it. */
export interface SenderEvents {
  /** The session ended (404) or a request got no answer: the stream is as good as dropped. */
  lost(): void;
  /** A refusal retrying cannot fix (`maxUids`, a forbidden uid, a bad body), for the page to log. */
  refused(message: string): void;
  /** The roster is no longer subscribed: what was known of it no longer holds. */
  rosterOff(): void;
  /** The server would not let the page into a room (403 from `authorizeRoom`, too many rooms…): it is not asked again. */
  roomRefused(room: RoomName, message: string): void;
}

/**
 * What one session is subscribed to, changed in place by `POST /subscribe`: it sends the
 * difference between what is wanted and what was sent, one change in flight at a time so the
 * server applies them in order, and remembers which added batches still await their snapshot.
 * A refused change is undone and reported once; a 403 on several uids is tried again in halves
 * to find the one at fault rather than refusing them all.
 */
export class SubscriptionSender {
  readonly #url: string;
  readonly #known: ResumePoint;
  readonly #events: SenderEvents;
  readonly #wanted = new Set<Uid>();
  #wantRoster = false;
  #wantedRooms: RoomWants = {};
  #sid: string | null = null;
  /** Rooms sent to the server on this session, with their window size. */
  #subscribedRooms = new Map<RoomName, number>();
  /** Rooms the server refused: not asked for again until they stop being wanted. */
  readonly #refusedRooms = new Set<RoomName>();
  /** Sent to the server on this session (the server applied it, or will before answering). */
  #subscribed = new Set<Uid>();
  #rosterSubscribed = false;
  /** Add batches whose snapshot has not arrived, in the order they were posted (one snapshot each). */
  #awaiting: Uid[][] = [];
  #rosterAwaited = false;
  /** Refused uids are not asked for again until they are removed and added back. */
  readonly #refused = new Set<Uid>();
  /** Batches a 403 refused as a whole: tried again in halves to find the one uid at fault. */
  readonly #suspect: Uid[][] = [];
  #posting = false;
  /** After a 503/429, nothing is sent before this time (epoch ms). */
  #pausedUntil = 0;

  /** `known` is what the session's frames vouch for: what a resubscribe names as `known` + `since`. */
  constructor(endpoint: string, known: ResumePoint, events: SenderEvents) {
    this.#url = `${endpoint}/subscribe`;
    this.#known = known;
    this.#events = events;
  }

  get wantsAnything(): boolean {
    return this.#wanted.size > 0 || this.#wantRoster || Object.keys(this.#wantedRooms).length > 0;
  }

  /** True while the session is in `room` (its frames count). */
  inRoom(room: RoomName): boolean {
    return this.#subscribedRooms.has(room);
  }

  wants(uid: Uid): boolean {
    return this.#wanted.has(uid);
  }

  get subscribed(): ReadonlySet<Uid> {
    return this.#subscribed;
  }

  get rosterSubscribed(): boolean {
    return this.#rosterSubscribed;
  }

  /** A session's hello has arrived (and it has not ended since). */
  get greeted(): boolean {
    return this.#sid !== null;
  }

  /** Greeted, and every change sent so far has had its snapshot. */
  get caughtUp(): boolean {
    return this.#sid !== null && this.#awaiting.length === 0 && !this.#rosterAwaited;
  }

  /** Records what is wanted now; nothing is sent until `flush`. */
  want(change: SubscriptionChange): void {
    for (const uid of change.remove) {
      this.#wanted.delete(uid);
      this.#refused.delete(uid);
    }
    for (const uid of change.add) this.#wanted.add(uid);
    this.#wantRoster = change.roster;
    this.#wantedRooms = change.rooms ?? {};
    for (const room of this.#refusedRooms) if (!(room in this.#wantedRooms)) this.#refusedRooms.delete(room);
  }

  unwantAll(): void {
    this.#wanted.clear();
    this.#wantRoster = false;
    this.#wantedRooms = {};
  }

  /** A new session greeted us: everything wanted is sent to it. */
  begin(sid: string): void {
    this.#sid = sid;
    void this.flush();
  }

  /** The session is gone: nothing is subscribed until the next one. */
  end(): void {
    this.#sid = null;
    this.#subscribed = new Set();
    this.#subscribedRooms = new Map();
    this.#awaiting = [];
    this.#suspect.length = 0;
    this.#rosterSubscribed = this.#rosterAwaited = false;
  }

  /** A snapshot arrived: the batch it answers (snapshots come in the order the batches were posted). */
  snapshotArrived(): Uid[] | undefined {
    return this.#awaiting.shift();
  }

  rosterArrived(): void {
    this.#rosterAwaited = false;
  }

  /** Sends what changed since the last change, once the previous one has been answered. */
  async flush(): Promise<void> {
    const sid = this.#sid;
    if (sid === null || this.#posting || Date.now() < this.#pausedUntil) return;
    const suspect = this.#suspect.shift()?.filter((uid) => this.#wanted.has(uid) && !this.#subscribed.has(uid));
    const add = suspect ?? [...this.#wanted].filter((uid) => !this.#subscribed.has(uid) && !this.#refused.has(uid));
    const remove = suspect ? [] : [...this.#subscribed].filter((uid) => !this.#wanted.has(uid));
    const roster = !suspect && this.#wantRoster !== this.#rosterSubscribed;
    if (add.length === 0 && remove.length === 0 && !roster) {
      if (this.#suspect.length > 0) void this.flush();
      else await this.#flushRooms(sid);
      return;
    }
    const { position, statuses } = this.#known;
    const body: SubscribeRequest = { sid };
    if (add.length > 0) body.add = add;
    if (remove.length > 0) body.remove = remove;
    if (roster) body.roster = this.#wantRoster ? {} : null;
    const known = position === null ? [] : add.filter((uid) => statuses.has(uid));
    if (known.length > 0) body.known = known;
    if (position !== null) body.since = position;

    // Applied before the answer (the snapshot may arrive first), undone if refused.
    for (const uid of add) this.#subscribed.add(uid);
    for (const uid of remove) this.#subscribed.delete(uid);
    if (add.length > 0) this.#awaiting.push(add);
    if (roster) this.#setRosterSubscribed(this.#wantRoster);
    this.#posting = true;
    const answer = await postJson(this.#url, body);
    this.#posting = false;
    // A session that began while this was in flight found the queue busy: whatever the
    // old session's answer says, the new one still needs everything wanted.
    if (sid === this.#sid && !answer.ok) this.#refuse(answer, add, roster);
    void this.flush();
  }

  /**
   * Rooms go in changes of their own, after the uids, entering one room per change (leaving any
   * number), so a refusal names exactly the room at fault.
   */
  async #flushRooms(sid: string): Promise<void> {
    const leave = [...this.#subscribedRooms.keys()].filter((room) => !(room in this.#wantedRooms));
    const enter = Object.entries(this.#wantedRooms).find(
      ([room, max]) => this.#subscribedRooms.get(room) !== max && !this.#refusedRooms.has(room),
    );
    if (leave.length === 0 && !enter) return;
    const rooms: RoomsSubscription = {};
    for (const room of leave) {
      rooms[room] = null;
      this.#subscribedRooms.delete(room);
    }
    if (enter) {
      rooms[enter[0]] = enter[1] === 0 ? {} : { max: enter[1] };
      this.#subscribedRooms.set(enter[0], enter[1]);
    }
    this.#posting = true;
    const answer = await postJson(this.#url, { sid, rooms });
    this.#posting = false;
    if (sid === this.#sid && !answer.ok) {
      if (answer.status === 404 || answer.status === 0) return this.#events.lost();
      if (enter) this.#subscribedRooms.delete(enter[0]);
      if (answer.status === 503 || answer.status === 429) {
        this.#pausedUntil = Date.now() + RETRY_BUSY_MS;
        setTimeout(() => void this.flush(), RETRY_BUSY_MS);
        return;
      }
      if (enter) {
        this.#refusedRooms.add(enter[0]);
        this.#events.roomRefused(
          enter[0],
          `presence-kit: the server refused room "${enter[0]}" (${answer.status}): ${answer.message}`,
        );
      }
    }
    void this.flush();
  }

  #setRosterSubscribed(on: boolean): void {
    this.#rosterSubscribed = on;
    this.#rosterAwaited = on;
    if (!on) this.#events.rosterOff();
  }

  #refuse(answer: Refusal, add: Uid[], roster: boolean): void {
    // A session that ended (404) or a lost request: the stream drops too, and the reconnect resubscribes.
    if (answer.status === 404 || answer.status === 0) {
      this.#events.lost();
      return;
    }
    this.#awaiting = this.#awaiting.filter((batch) => batch !== add);
    for (const uid of add) this.#subscribed.delete(uid);
    if (roster && this.#wantRoster) this.#setRosterSubscribed(false);
    if (answer.status === 503 || answer.status === 429) {
      // Busy, or the node is cut off from its cluster for a moment: the same change goes again shortly.
      this.#pausedUntil = Date.now() + RETRY_BUSY_MS;
      setTimeout(() => void this.flush(), RETRY_BUSY_MS);
      return;
    }
    if (answer.status === 403 && add.length > 1) {
      const half = Math.ceil(add.length / 2);
      this.#suspect.push(add.slice(0, half), add.slice(half));
      return;
    }
    for (const uid of add) this.#refused.add(uid);
    this.#events.refused(
      `presence-kit: the server refused a subscription change (${answer.status}): ${answer.message}`,
    );
  }
}

interface Refusal {
  ok: false;
  /** 0 when the request never got an answer. */
  status: number;
  message: string;
}

async function postJson(url: string, body: SubscribeRequest): Promise<{ ok: true } | Refusal> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.ok) return { ok: true };
    return { ok: false, status: response.status, message: (await readErrorBody(response)).message };
  } catch (error) {
    return { ok: false, status: 0, message: String(error) };
  }
}
