import type { Uid } from '@presence-kit/core';
import { ActivityReporter } from './activity-reporter.js';
import { countIn } from './hub-protocol.js';
import type { ResumeState } from './resume-point.js';
import { SessionConnection } from './session-connection.js';
import { unionOfRooms } from './room-wants.js';
import type { RetryOptions, RoomWants, StatusList, SubscriptionChange, TransportEvent } from './transport.js';

type Send = (event: TransportEvent) => void;

interface Client {
  send: Send;
  uids: Set<Uid>;
  roster: boolean;
  /** The rooms this tab is in: the connection is in their union, left when the last tab leaves. */
  rooms: RoomWants;
}

/**
 * One connection for many tabs (the SharedWorker's, or the leader tab's): it subscribes to
 * the union of what the tabs watch, counted per tab, and gives each tab only the frames
 * about what it watches. A tab that asks for a uid the connection already vouches for is
 * answered at once from what the connection knows, with no request to the server.
 */
export class SessionHub {
  readonly #connection: SessionConnection;
  readonly #clients = new Map<string, Client>();
  readonly #counts = new Map<Uid, number>();
  #rosterCount = 0;
  readonly #activity: ActivityReporter;

  constructor(endpoint: string, options: RetryOptions = {}) {
    this.#connection = new SessionConnection(endpoint, (event) => this.#onEvent(event), options);
    this.#activity = new ActivityReporter(endpoint, () => this.#connection.writeSeconds);
  }

  get clients(): number {
    return this.#clients.size;
  }

  /** A tab joins; what its previous page knew lets a fresh connection resume instead of starting over. */
  attach(id: string, send: Send, resume: ResumeState | null): void {
    this.detach(id);
    if (resume) this.#connection.seed(resume);
    this.#clients.set(id, { send, uids: new Set(), roster: false, rooms: {} });
  }

  update(id: string, change: SubscriptionChange): void {
    const client = this.#clients.get(id);
    if (!client) return;
    const add: Uid[] = [];
    const remove: Uid[] = [];
    const answered: StatusList = [];
    for (const uid of change.remove) {
      if (client.uids.delete(uid) && countIn(this.#counts, uid, -1)) remove.push(uid);
    }
    for (const uid of change.add) {
      if (client.uids.has(uid)) continue;
      client.uids.add(uid);
      if (countIn(this.#counts, uid, 1)) add.push(uid);
      const status = this.#connection.liveStatus(uid);
      if (status) answered.push([uid, status]);
    }
    const rosterAdded = change.roster && !client.roster;
    if (change.roster !== client.roster) this.#rosterCount += change.roster ? 1 : -1;
    client.roster = change.roster;
    const roomsBefore = client.rooms;
    client.rooms = change.rooms ?? {};
    this.#connection.update({ add, remove, roster: this.#rosterCount > 0, rooms: this.#rooms() });
    // A room the connection is already in: this tab gets it at once.
    for (const room of Object.keys(client.rooms)) {
      const known = room in roomsBefore ? undefined : this.#connection.liveRoom(room);
      if (known) client.send({ type: 'room', t: this.#connection.now(), room, ...known });
    }

    // What the connection already vouches for needs no new snapshot from the server.
    const roster = this.#connection.liveRoster;
    if (answered.length > 0 || (rosterAdded && roster)) {
      client.send({
        type: 'snapshot',
        t: this.#connection.now(),
        window: this.#connection.window,
        users: answered,
        covered: this.#covered(client),
        roster: client.roster && roster !== null,
        position: this.#connection.position,
      });
    }
    if (rosterAdded && roster)
      client.send({ type: 'roster', t: this.#connection.now(), roster, position: this.#connection.position });
  }

  /** A tab left (closed, navigated, crashed): what only it watched is unsubscribed. */
  detach(id: string): void {
    const client = this.#clients.get(id);
    if (!client) return;
    this.#clients.delete(id);
    const remove = [...client.uids].filter((uid) => countIn(this.#counts, uid, -1));
    if (client.roster) this.#rosterCount -= 1;
    this.#connection.update({ add: [], remove, roster: this.#rosterCount > 0, rooms: this.#rooms() });
  }

  reconnectNow(): void {
    this.#connection.reconnectNow();
  }

  /** A tab of this browser saw the person interact: one report per period for all of them. */
  interacted(id: string): void {
    if (this.#clients.has(id)) this.#activity.interacted();
  }

  close(): void {
    this.#activity.close();
    this.#clients.clear();
    this.#counts.clear();
    this.#rosterCount = 0;
    this.#connection.close();
  }

  /** What the connection knows, for the next leader or page to resume from. */
  resumeState(): ResumeState | null {
    return this.#connection.resumeState();
  }

  #rooms(): RoomWants {
    return unionOfRooms([...this.#clients.values()].map((client) => client.rooms));
  }

  #covered(client: Client): Uid[] {
    return [...client.uids].filter((uid) => this.#connection.liveStatus(uid) !== undefined);
  }

  #onEvent(event: TransportEvent): void {
    for (const client of this.#clients.values()) {
      if (event.type === 'snapshot' || event.type === 'presence') {
        const users = event.users.filter(([uid]) => client.uids.has(uid));
        if (users.length === 0) continue;
        client.send(
          event.type === 'snapshot'
            ? { ...event, users, covered: this.#covered(client), roster: client.roster && event.roster }
            : { ...event, users },
        );
      } else if (event.type === 'roster') {
        if (client.roster) client.send(event);
      } else if (event.type === 'room') {
        if (event.room in client.rooms) client.send(event);
      } else client.send(event);
    }
  }
}
