import type { Uid } from '@presence-kit/core';
import { resolveActivity } from './config.js';
import { newClientId, type ClientMessage, type HubLink } from './hub-protocol.js';
import { watchInteractions } from './interaction-watch.js';
import { ResumeCache } from './resume-cache.js';
import { serverNow } from './server-clock.js';
import type {
  PresenceTransport,
  RoomWants,
  SubscriptionChange,
  TransportEvent,
  TransportListener,
} from './transport.js';

/** Makes the link for a client; called again whenever the hub behind it changes (a new leader). */
export type LinkFactory = (client: HubClient) => HubLink;

/**
 * A page's store as one client of the shared connection, whichever path carries it (its
 * own hub, the SharedWorker, the leader tab). It remembers what the page wants, so a new
 * hub (a new leader, a page back from the back-forward cache) gets the whole of it again,
 * and it keeps the tab's resume cache: the next page paints from it and resumes.
 */
export class HubClient implements PresenceTransport {
  readonly id = newClientId();
  readonly endpoint: string;
  readonly #listener: TransportListener;
  readonly #cache: ResumeCache;
  readonly #wanted = new Set<Uid>();
  #roster = false;
  #rooms: RoomWants = {};
  #connected = false;
  #link: HubLink | null = null;
  /** Each refusal is logged once per page, not once per retry or per tab. */
  readonly #logged = new Set<string>();
  readonly #reporting = resolveActivity();
  /** Stops this client's share of the page's interaction listeners; set while it watches something. */
  #stopInteractions: (() => void) | null = null;

  constructor(endpoint: string, listener: TransportListener, link: LinkFactory) {
    this.endpoint = endpoint;
    this.#listener = listener;
    this.#cache = new ResumeCache(endpoint);
    const saved = this.#cache.load();
    if (saved)
      listener({ type: 'restore', users: saved.statuses, at: saved.at, window: saved.window, roster: saved.roster });
    if (typeof window !== 'undefined') {
      window.addEventListener('pagehide', () => {
        this.#cache.save(serverNow());
        this.send({ type: 'detach', client: this.id, endpoint });
      });
      // A page back from the back-forward cache rejoins with everything it watches.
      window.addEventListener('pageshow', (event) => event.persisted && this.relink(link));
      document.addEventListener(
        'visibilitychange',
        () => document.visibilityState === 'hidden' && this.#cache.save(serverNow()),
      );
    }
    this.relink(link);
  }

  get connected(): boolean {
    return this.#connected;
  }

  get wantsAnything(): boolean {
    return this.#wanted.size > 0 || this.#roster || Object.keys(this.#rooms).length > 0;
  }

  update(change: SubscriptionChange): void {
    for (const uid of change.remove) this.#wanted.delete(uid);
    for (const uid of change.add) this.#wanted.add(uid);
    this.#roster = change.roster;
    this.#rooms = change.rooms ?? {};
    this.#cache.forget(change.remove, change.roster);
    this.send({ type: 'update', client: this.id, endpoint: this.endpoint, change });
    this.#watchInteractions();
  }

  /** Interactions are reported while this store watches something (its hub has a connection) and reporting is on. */
  #watchInteractions(): void {
    const wanted = this.#reporting && this.wantsAnything;
    if (wanted && !this.#stopInteractions) {
      this.#stopInteractions = watchInteractions(() =>
        this.send({ type: 'activity', client: this.id, endpoint: this.endpoint }),
      );
    } else if (!wanted && this.#stopInteractions) {
      this.#stopInteractions();
      this.#stopInteractions = null;
    }
  }

  reconnectNow(): void {
    this.send({ type: 'reconnect', client: this.id, endpoint: this.endpoint });
  }

  send(message: ClientMessage): void {
    this.#link?.send(message);
  }

  /** An event from the hub, for this client. */
  receive(event: TransportEvent): void {
    if (event.type === 'failed') {
      if (this.#logged.has(event.message)) return;
      this.#logged.add(event.message);
      console.error(event.message);
    }
    if (event.type === 'snapshot') this.#connected = true;
    if (event.type === 'dropped') {
      if (!this.#connected) return;
      this.#connected = false;
    }
    this.#cache.observe(event, this.#wanted);
    this.#listener(event);
  }

  /** Joins a (new) hub: until its snapshot, what the old one said only holds. */
  relink(link: LinkFactory): void {
    this.#link?.close();
    this.receive({ type: 'dropped' });
    this.#link = link(this);
    const visible = typeof document === 'undefined' || document.visibilityState === 'visible';
    this.send({
      type: 'attach',
      client: this.id,
      endpoint: this.endpoint,
      resume: this.#cache.resumeState(),
      lock: this.#link.lock,
      visible,
    });
    if (this.wantsAnything)
      this.send({
        type: 'update',
        client: this.id,
        endpoint: this.endpoint,
        change: { add: [...this.#wanted], remove: [], roster: this.#roster, rooms: this.#rooms },
      });
  }
}
