import { EVENT, streamQuery, type PresenceFrame, type RosterFrame, type SnapshotFrame, type Uid } from '@presence-kit/core';
import type { PresenceTransport, SubscriptionChange, TransportListener } from './transport.js';

export interface RetryOptions {
  /** First reconnect delay after a drop; doubles per failed attempt. Default 1000 ms. */
  minRetryMs?: number;
  /** Longest reconnect delay. Default 30 s. */
  maxRetryMs?: number;
}

interface Stream {
  source: EventSource;
  /** The query string it was opened with: equal sets give equal keys. */
  key: string;
  uids: ReadonlySet<Uid>;
  roster: boolean;
}

/**
 * One EventSource per page and endpoint, carrying the whole wanted set in its URL: the
 * transport as it is today. A changed set opens a new stream, and the old one closes
 * only once the new one's snapshot has arrived, so no transition falls between the two.
 * After any drop it reconnects with exponential backoff and jitter.
 */
export class StreamClient implements PresenceTransport {
  readonly #endpoint: string;
  readonly #listener: TransportListener;
  readonly #minRetryMs: number;
  readonly #maxRetryMs: number;
  readonly #uids = new Set<Uid>();
  #roster = false;
  #active: Stream | null = null;
  #pending: Stream | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;

  constructor(endpoint: string, listener: TransportListener, options: RetryOptions = {}) {
    this.#endpoint = endpoint;
    this.#listener = listener;
    this.#minRetryMs = options.minRetryMs ?? 1000;
    this.#maxRetryMs = options.maxRetryMs ?? 30_000;
  }

  get connected(): boolean {
    return this.#active !== null;
  }

  update(change: SubscriptionChange): void {
    for (const uid of change.remove) this.#uids.delete(uid);
    for (const uid of change.add) this.#uids.add(uid);
    this.#roster = change.roster;
    this.#sync();
  }

  reconnectNow(): void {
    if (this.#retryTimer === undefined) return;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#sync();
  }

  /** Opens a stream for the wanted set unless one is open or connecting for it already. */
  #sync(): void {
    if (this.#uids.size === 0 && !this.#roster) {
      this.#shutdown();
      return;
    }
    const key = streamQuery(this.#uids, this.#roster);
    if ((this.#pending ?? this.#active)?.key === key) return;
    // Waiting out a backoff: the retry opens whatever set is wanted by then.
    if (this.#retryTimer !== undefined) return;
    this.#pending?.source.close();
    this.#pending = this.#open(key);
  }

  #open(key: string): Stream {
    const source = new EventSource(`${this.#endpoint}/stream?${key}`);
    const stream: Stream = { source, key, uids: new Set(this.#uids), roster: this.#roster };
    source.addEventListener(EVENT.snapshot, (e) => this.#onSnapshot(stream, parse<SnapshotFrame>(e)));
    source.addEventListener(EVENT.presence, (e) => {
      const frame = parse<PresenceFrame>(e);
      if (frame && stream === this.#active) this.#listener.presence(frame);
    });
    source.addEventListener(EVENT.roster, (e) => {
      const frame = parse<RosterFrame>(e);
      if (frame && stream === this.#active && Array.isArray(frame.users)) this.#listener.roster(frame);
    });
    source.addEventListener('error', () => this.#onError(stream));
    return stream;
  }

  #onSnapshot(stream: Stream, frame: SnapshotFrame | null): void {
    if (!frame || (stream !== this.#pending && stream !== this.#active)) return;
    if (stream === this.#pending) {
      // The new stream is subscribed: only now may the old one go.
      this.#active?.source.close();
      this.#active = stream;
      this.#pending = null;
    }
    this.#attempt = 0;
    this.#listener.snapshot(frame, { uids: stream.uids, roster: stream.roster });
    // A set change that arrived while this stream was connecting.
    this.#sync();
  }

  /**
   * Any drop (server restart, network loss, a 4xx/5xx): close it ourselves and
   * reconnect with backoff and jitter, instead of the browser's fixed retry, which
   * gives up entirely on an error status.
   */
  #onError(stream: Stream): void {
    stream.source.close();
    if (stream === this.#pending) this.#pending = null;
    if (stream === this.#active) {
      this.#active = null;
      this.#listener.dropped();
    }
    if (!this.#pending) this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#retryTimer !== undefined) return;
    const ceiling = Math.min(this.#maxRetryMs, this.#minRetryMs * 2 ** this.#attempt);
    this.#attempt += 1;
    // Jitter spreads the reconnects of every page after a server restart.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#sync();
    }, delay);
  }

  #shutdown(): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#attempt = 0;
    this.#pending?.source.close();
    this.#active?.source.close();
    this.#pending = this.#active = null;
  }
}

/** A frame from untrusted data: anything that is not JSON with a `users` object is dropped. */
function parse<T>(event: Event): T | null {
  try {
    const value: unknown = JSON.parse((event as MessageEvent<string>).data);
    const users = (value as { users?: unknown } | null)?.users;
    return typeof value === 'object' && value !== null && typeof users === 'object' && users !== null ? (value as T) : null;
  } catch {
    return null;
  }
}
