import type { ClientMessage, HubMessage } from './hub-protocol.js';
import { SessionHub } from './session-hub.js';
import type { RetryOptions } from './transport.js';

/**
 * Where the one connection per endpoint lives for every tab (in the SharedWorker, or in the
 * leader tab): it routes each tab's messages to the endpoint's hub and its events back.
 */
export class HubHost {
  readonly #hubs = new Map<string, SessionHub>();
  readonly #options: RetryOptions;
  /** Each client's current tab lock: a lock granted after the client re-attached with another one means nothing. */
  readonly #locks = new Map<string, string>();

  constructor(options: RetryOptions = {}) {
    this.#options = options;
  }

  receive(message: ClientMessage, send: (message: HubMessage) => void): void {
    const { client, endpoint } = message;
    if (message.type === 'activity') {
      // Activity is no reason to open a connection: only a tab that watches something has a hub.
      this.#hubs.get(endpoint)?.interacted(client);
      return;
    }
    let hub = this.#hubs.get(endpoint);
    if (!hub) this.#hubs.set(endpoint, (hub = new SessionHub(endpoint, this.#options)));
    if (message.type === 'attach') {
      hub.attach(client, (event) => send({ type: 'event', client, endpoint, event }), message.resume);
      // Granted only once the tab has let go of it: closed, crashed or discarded, whether or not it said goodbye.
      const lock = message.lock;
      if (lock === null) return;
      this.#locks.set(client, lock);
      void navigator.locks.request(lock, () => {
        if (this.#locks.get(client) !== lock) return;
        this.#locks.delete(client);
        hub.detach(client);
      });
    } else if (message.type === 'update') hub.update(client, message.change);
    else if (message.type === 'detach') {
      this.#locks.delete(client);
      hub.detach(client);
    } else hub.reconnectNow();
  }

  /** This host no longer leads: its connections close, and the tabs move to the next one. */
  close(): void {
    for (const hub of this.#hubs.values()) hub.close();
    this.#hubs.clear();
    this.#locks.clear();
  }
}
