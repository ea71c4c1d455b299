import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Roster, Uid } from '@presence-kit/core';
import { resolveEndpoint } from './config.js';
import { getPresenceStore, type PresenceStore, type Unsubscribe, type WatchedStatus } from './presence-store.js';

type Host = ReactiveControllerHost & HTMLElement;

/** What the controller reads from its host each update. */
export interface PresenceTarget {
  /** The uid to watch; null or '' for none. */
  uid(): Uid | null;
  /** The element's own `endpoint` attribute (the page's meta tag is the fallback). */
  endpoint(): string | null;
}

/**
 * Connects one element to the page's store for one uid: subscribes while connected,
 * follows `uid`/`endpoint` changes, and asks the host to update when the status does.
 */
export class PresenceController implements ReactiveController {
  /** The last status from the store, or undefined when nothing is known yet. */
  value: WatchedStatus | undefined;
  /** The store in use, or null when no endpoint is configured. */
  store: PresenceStore | null = null;
  readonly #host: Host;
  readonly #target: PresenceTarget;
  #key: string | null = null;
  #unsubscribe: Unsubscribe | undefined;

  constructor(host: Host, target: PresenceTarget) {
    this.#host = host;
    this.#target = target;
    host.addController(this);
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
    this.value = undefined;
  }

  #sync(): void {
    if (!this.#host.isConnected) return;
    const uid = this.#target.uid() || null;
    const endpoint = uid === null ? null : resolveEndpoint(this.#target.endpoint());
    const key = uid === null || endpoint === null ? null : `${endpoint} ${uid}`;
    if (key === this.#key) return;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#key = key;
    this.value = undefined;
    this.store = endpoint === null ? null : getPresenceStore(endpoint);
    if (this.store && uid !== null) {
      this.#unsubscribe = this.store.watch(uid, (status) => {
        this.value = status;
        this.#host.requestUpdate();
      });
    }
  }
}

/** Connects `<online-now>` (or any roster view) to the page's store for its endpoint. */
export class RosterController implements ReactiveController {
  roster: Roster | null = null;
  live = false;
  store: PresenceStore | null = null;
  readonly #host: Host;
  readonly #endpoint: () => string | null;
  #key: string | null = null;
  #unsubscribe: Unsubscribe | undefined;

  constructor(host: Host, endpoint: () => string | null) {
    this.#host = host;
    this.#endpoint = endpoint;
    host.addController(this);
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
    this.live = false;
  }

  #sync(): void {
    if (!this.#host.isConnected) return;
    const endpoint = resolveEndpoint(this.#endpoint());
    if (endpoint === this.#key) return;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#key = endpoint;
    this.live = false;
    this.store = endpoint === null ? null : getPresenceStore(endpoint);
    this.#unsubscribe = this.store?.watchRoster((roster, live) => {
      this.roster = roster;
      this.live = live;
      this.#host.requestUpdate();
    });
  }
}
