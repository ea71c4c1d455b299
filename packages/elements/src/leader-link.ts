import type { HubClient, LinkFactory } from './hub-client.js';
import { HubHost } from './hub-host.js';
import { LOCK_PREFIX, newClientId, type ClientMessage, type HubMessage } from './hub-protocol.js';
import { holdTabLock } from './tab-lock.js';
import type { RetryOptions } from './transport.js';

type Broadcast =
  /** To the leader, from a store in another tab. */
  | { kind: 'client'; message: ClientMessage }
  /** From the leader `from`, for one store in some tab. */
  | { kind: 'hub'; from: string; message: HubMessage }
  /** `tab` leads now (or says again that it does, and whether it is visible). */
  | { kind: 'leader'; tab: string; visible: boolean }
  /** A tab that just opened asks who leads. */
  | { kind: 'who' };

const LEADER_LOCK = `${LOCK_PREFIX}:leader`;
const CHANNEL = `${LOCK_PREFIX}:presence`;

export function canElectLeader(): boolean {
  return typeof navigator.locks?.request === 'function' && typeof BroadcastChannel === 'function';
}

/**
 * The path without a SharedWorker (Android Chrome, a bundle served from another origin):
 * tabs elect a leader with a Web Lock; the leader holds the connection for every tab and
 * relays over a BroadcastChannel. Every other tab waits in the lock's queue, so when the
 * leader closes or freezes the next one is granted it at once; a visible tab takes the
 * lock from a hidden leader (`steal`), so the connection lives where someone is looking.
 * A new leader asks every tab for what it watches, and its snapshot replaces what they knew.
 */
class Election {
  readonly #tab = newClientId();
  readonly #channel = new BroadcastChannel(CHANNEL);
  readonly #clients = new Map<string, HubClient>();
  readonly #options: RetryOptions;
  /** The host while this tab leads. */
  #host: HubHost | null = null;
  #resign: (() => void) | null = null;
  #leader: string | null = null;
  #leaderVisible = true;

  constructor(options: RetryOptions) {
    this.#options = options;
    this.#channel.addEventListener('message', (event: MessageEvent<Broadcast>) => this.#onBroadcast(event.data));
    document.addEventListener('visibilitychange', () => this.#onVisibility());
    // A frozen or closing leader must not keep the connection from the others.
    document.addEventListener('freeze', () => this.#stepDown(false));
    document.addEventListener('resume', () => this.#queue(false));
    window.addEventListener('pagehide', () => this.#stepDown(false));
    this.#channel.postMessage({ kind: 'who' } satisfies Broadcast);
    this.#queue(false);
  }

  link(): LinkFactory {
    return (client) => {
      this.#clients.set(client.id, client);
      const lock = holdTabLock();
      let open = true;
      return {
        lock: lock.name,
        // In order, and only once the lock is held.
        send: (message) => void lock.granted.then(() => open && this.#send(message)),
        close: () => {
          if (!open) return;
          open = false;
          this.#send({ type: 'detach', client: client.id, endpoint: client.endpoint });
          this.#clients.delete(client.id);
          void lock.granted.then(lock.release);
        },
      };
    };
  }

  #send(message: ClientMessage): void {
    if (this.#host) this.#host.receive(message, (reply) => this.#deliver(reply));
    // With no leader yet the message is lost, and nothing is: a new leader asks everyone again.
    else this.#channel.postMessage({ kind: 'client', message } satisfies Broadcast);
  }

  #deliver(message: HubMessage): void {
    const local = this.#clients.get(message.client);
    if (local) queueMicrotask(() => this.#host && local.receive(message.event));
    else this.#channel.postMessage({ kind: 'hub', from: this.#tab, message } satisfies Broadcast);
  }

  #onBroadcast(data: Broadcast): void {
    if (data.kind === 'client') {
      if (this.#host) this.#host.receive(data.message, (reply) => this.#deliver(reply));
    } else if (data.kind === 'hub') {
      this.#leader ??= data.from;
      if (data.from === this.#leader) this.#clients.get(data.message.client)?.receive(data.message.event);
    } else if (data.kind === 'who') {
      if (this.#host) this.#announce();
    } else {
      const changed = data.tab !== this.#leader;
      this.#leader = data.tab;
      this.#leaderVisible = data.visible;
      if (changed) {
        // Another tab took the lock from this one (steal): it holds the connection now.
        if (this.#host) this.#stepDown(true);
        this.#relinkAll();
      }
      this.#onVisibility();
    }
  }

  /** Waits in the lock's queue (or, from a hidden leader, takes it) and leads while holding it. */
  #queue(steal: boolean): void {
    if (this.#host || (this.#resign && !steal)) return;
    const options: LockOptions = steal ? { steal: true } : {};
    let released!: () => void;
    const held = new Promise<void>((resolve) => (released = resolve));
    this.#resign = released;
    navigator.locks
      .request(LEADER_LOCK, options, () => {
        if (this.#resign !== released) return undefined;
        this.#lead();
        return held;
      })
      // Stolen by a visible tab: its announcement hands the stores over.
      .catch(() => {});
  }

  #lead(): void {
    this.#host = new HubHost(this.#options);
    this.#leader = this.#tab;
    this.#announce();
    this.#relinkAll();
  }

  #stepDown(requeue: boolean): void {
    this.#resign?.();
    this.#resign = null;
    if (this.#host) {
      this.#host.close();
      this.#host = null;
      if (this.#leader === this.#tab) this.#leader = null;
    }
    if (requeue) this.#queue(false);
  }

  #announce(): void {
    this.#channel.postMessage({
      kind: 'leader',
      tab: this.#tab,
      visible: document.visibilityState === 'visible',
    } satisfies Broadcast);
  }

  #onVisibility(): void {
    if (this.#host) this.#announce();
    else if (document.visibilityState === 'visible' && this.#leader !== null && !this.#leaderVisible) this.#queue(true);
  }

  #relinkAll(): void {
    const link = this.link();
    for (const client of [...this.#clients.values()]) client.relink(link);
  }
}

let election: Election | null = null;

/** The leader path's link; one election per tab, whatever the number of endpoints. */
export function leaderLink(options: RetryOptions): LinkFactory {
  election ??= new Election(options);
  return election.link();
}
