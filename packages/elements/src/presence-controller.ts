import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Roster, Uid } from '@presence-kit/core';
import { resolveEndpoint } from './config.js';
import type { PresenceStore, Unsubscribe, WatchedStatus } from './presence-store.js';
import { getPresenceStore } from './store-registry.js';

type Host = ReactiveControllerHost & HTMLElement;

/** What the controller reads from its host each update. */
export interface PresenceTarget {
  /** The uid to watch; null or '' for none. */
  uid(): Uid | null;
  /** The element's own `endpoint` attribute (the page's meta tag is the fallback). */
  endpoint(): string | null;
}

/**
 * The lifecycle both controllers share: subscribe to the page's store while the host is
 * connected, re-subscribe only when what the host asks for (its key) changes, and let go
 * on disconnect. Subclasses say what they watch and what they keep.
 */
export abstract class StoreSubscription implements ReactiveController {
  /** The store in use, or null when nothing is watched (no endpoint configured, or no uid). */
  store: PresenceStore | null = null;
  protected readonly host: Host;
  #key: string | null = null;
  #unsubscribe: Unsubscribe | undefined;

  /** Subclasses register with `host.addController(this)` once their own fields are set. */
  constructor(host: Host) {
    this.host = host;
  }

  hostConnected(): void {
    this.#sync();
  }

  hostUpdate(): void {
    this.#sync();
  }

  hostDisconnected(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#key = null;
    this.reset();
  }

  /** What to watch now: the endpoint and a key that changes whenever the subscription must, or null for nothing. */
  protected abstract wanted(): { endpoint: string; key: string } | null;
  /** Subscribes to the store; the listener should call `this.host.requestUpdate()` on changes. */
  protected abstract subscribe(store: PresenceStore): Unsubscribe;
  /** Forgets what the previous subscription delivered. */
  protected abstract reset(): void;

  #sync(): void {
    if (!this.host.isConnected) return;
    const wanted = this.wanted();
    const key = wanted?.key ?? null;
    if (key === this.#key) return;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#key = key;
    this.reset();
    this.store = wanted ? getPresenceStore(wanted.endpoint) : null;
    if (this.store) this.#unsubscribe = this.subscribe(this.store);
  }
}

/**
 * Connects one element to the page's store for one uid: subscribes while connected,
 * follows `uid`/`endpoint` changes, and asks the host to update when the status does.
 */
export class PresenceController extends StoreSubscription {
  /** The last status from the store, or undefined when nothing is known yet. */
  value: WatchedStatus | undefined;
  readonly #target: PresenceTarget;

  constructor(host: Host, target: PresenceTarget) {
    super(host);
    this.#target = target;
    host.addController(this);
  }

  protected wanted(): { endpoint: string; key: string } | null {
    const uid = this.#target.uid() || null;
    const endpoint = uid === null ? null : resolveEndpoint(this.#target.endpoint());
    return uid === null || endpoint === null ? null : { endpoint, key: `${endpoint} ${uid}` };
  }

  protected subscribe(store: PresenceStore): Unsubscribe {
    return store.watch(this.#target.uid()!, (status) => {
      this.value = status;
      this.host.requestUpdate();
    });
  }

  protected reset(): void {
    this.value = undefined;
  }
}

/** What a roster view shows: the people (a window, with everyone's count) and whether a stream vouches for them. */
export interface RosterSource {
  readonly roster: Roster | null;
  readonly live: boolean;
}

/** Connects `<online-now>` (or any roster view) to the page's store for its endpoint. */
export class RosterController extends StoreSubscription implements RosterSource {
  roster: Roster | null = null;
  live = false;
  readonly #endpoint: () => string | null;

  constructor(host: Host, endpoint: () => string | null) {
    super(host);
    this.#endpoint = endpoint;
    host.addController(this);
  }

  protected wanted(): { endpoint: string; key: string } | null {
    const endpoint = resolveEndpoint(this.#endpoint());
    return endpoint === null ? null : { endpoint, key: endpoint };
  }

  protected subscribe(store: PresenceStore): Unsubscribe {
    return store.watchRoster((roster, live) => {
      this.roster = roster;
      this.live = live;
      this.host.requestUpdate();
    });
  }

  protected reset(): void {
    this.live = false;
  }
}
