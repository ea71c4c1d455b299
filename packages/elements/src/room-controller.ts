import type { ReactiveControllerHost } from 'lit';
import { isValidRoom, ROOM_NAME_RULE, type RoomName, type RoomView, type Roster } from '@presence-kit/core';
import { resolveEndpoint } from './config.js';
import { StoreSubscription, type RosterSource } from './presence-controller.js';
import type { PresenceStore, Unsubscribe } from './presence-store.js';

/** What a room element asks for each update. */
export interface RoomTarget {
  room(): string | null;
  endpoint(): string | null;
  /** The window it shows (0: everyone). */
  max(): number;
}

const warned = new Set<string>();

/**
 * Connects a room element to the page's store: the page is in the room while the element is
 * connected (that is what "the element being on the page" means), and the element updates on
 * every change of the room. Exposes the room as a roster (its members, the room's count) for
 * the avatar bar it shares with `<online-now>`.
 */
export class RoomController extends StoreSubscription implements RosterSource {
  view: RoomView | null = null;
  /** Why the server refused the page this room (the console already says it), or null. */
  refused: string | null = null;
  roster: Roster | null = null;
  live = false;
  readonly #target: RoomTarget;

  constructor(host: ReactiveControllerHost & HTMLElement, target: RoomTarget) {
    super(host);
    this.#target = target;
    host.addController(this);
  }

  /** The element names a room the rule refuses (the console says so, once): there is nothing to show. */
  get invalid(): boolean {
    const room = this.#target.room();
    return !!room && !isValidRoom(room);
  }

  protected wanted(): { endpoint: string; key: string } | null {
    const room = this.#target.room();
    if (!room) return null;
    if (!isValidRoom(room)) {
      if (!warned.has(room)) {
        warned.add(room);
        console.warn(
          `presence-kit: "${room.slice(0, 40)}" is not a valid room name (${ROOM_NAME_RULE}); nothing is shown.`,
        );
      }
      return null;
    }
    const endpoint = resolveEndpoint(this.#target.endpoint());
    return endpoint === null ? null : { endpoint, key: `${endpoint} ${room} ${this.#target.max()}` };
  }

  protected subscribe(store: PresenceStore): Unsubscribe {
    const room = this.#target.room() as RoomName;
    return store.room(room).watch(({ view, refused }) => {
      this.view = view;
      this.refused = refused;
      this.roster = view ? { count: view.count, users: view.members } : refused ? { count: 0, users: [] } : null;
      this.live = view !== null;
      this.host.requestUpdate();
    }, this.#target.max());
  }

  protected reset(): void {
    this.view = null;
    this.refused = null;
    this.live = false;
  }
}
