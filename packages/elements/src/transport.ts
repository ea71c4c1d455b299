import type { PresenceFrame, RosterFrame, SnapshotFrame, Uid } from '@presence-kit/core';
import { StreamClient, type RetryOptions } from './stream-client.js';

/**
 * The seam between a store and however its frames reach the page. The store sends what
 * its watchers want as deltas and receives frames; it never knows whether they come over
 * an EventSource of its own (today, `StreamClient`), a SharedWorker or a leader tab, nor
 * whether a change reopens a stream or is posted to an open one.
 */
export interface PresenceTransport {
  /** Changes what is wanted; the transport subscribes however it can. Nothing left wanted closes it. */
  update(change: SubscriptionChange): void;
  /** True while a connection is open and its snapshot has arrived. */
  readonly connected: boolean;
  /** Reconnects at once if it is waiting out a backoff (e.g. the network came back). */
  reconnectNow(): void;
}

/** What the watchers' changes since the last update add up to. */
export interface SubscriptionChange {
  add: readonly Uid[];
  remove: readonly Uid[];
  /** Whether the roster is wanted now. */
  roster: boolean;
}

/** What a connection vouches for once a snapshot has arrived. */
export interface Coverage {
  uids: ReadonlySet<Uid>;
  roster: boolean;
}

/** Frames out of a transport, already parsed and only from the connection that counts. */
export interface TransportListener {
  /**
   * A snapshot arrived. `covered` is everything the connection vouches for from now on,
   * which may be more than `frame.users` (a snapshot of added uids only keeps the rest live).
   */
  snapshot(frame: SnapshotFrame, covered: Coverage): void;
  presence(frame: PresenceFrame): void;
  roster(frame: RosterFrame): void;
  /** The connection dropped: nothing is vouched for until the next snapshot. */
  dropped(): void;
}

/** The one place that picks how a store connects: today one EventSource per page and endpoint. */
export function connectTransport(endpoint: string, listener: TransportListener, options: RetryOptions): PresenceTransport {
  return new StreamClient(endpoint, listener, options);
}
