import type { PresenceWindow, RoomName, RoomView, Roster, Uid, UserStatus } from '@presence-kit/core';
import { resolveTransport } from './config.js';
import { HubClient, type LinkFactory } from './hub-client.js';
import { canElectLeader, leaderLink } from './leader-link.js';
import { tabLink } from './local-link.js';
import { canUseWorker, workerLink } from './worker-link.js';

/**
 * The seam between a store and however its frames reach the page. The store sends what
 * its watchers want as deltas and receives events; it never knows whether the one
 * connection behind them is its own, a SharedWorker's or a leader tab's (`connect.ts`
 * picks). Events are plain data, so they cross a MessagePort or BroadcastChannel as they are.
 */
export interface PresenceTransport {
  /** Changes what is wanted; the transport subscribes however it can. Nothing left wanted lets it go. */
  update(change: SubscriptionChange): void;
  /** True while a connection vouches for this page's subscription (its snapshot arrived). */
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
  /** The rooms wanted now (the page is in them), each with the largest window asked for (0: everyone). Absent: none. */
  rooms?: RoomWants;
}

/** Room → the window size wanted (0: everyone). */
export type RoomWants = Readonly<Record<RoomName, number>>;

/** Statuses as pairs: a uid such as `__proto__` is data, never an object key. */
export type StatusList = Array<[Uid, UserStatus]>;

/**
 * Out of a transport, in stream order. `position` is the `epoch:seq` id of the frame
 * (what a resume names as `since`), null when the frame had none.
 */
export type TransportEvent =
  | {
      type: 'snapshot';
      t: number;
      window: PresenceWindow;
      /** The status of every uid that became live with this snapshot (from the frame, or what resume kept). */
      users: StatusList;
      /** Everything the connection vouches for from now on, for this page. */
      covered: Uid[];
      roster: boolean;
      position: string | null;
    }
  | { type: 'presence'; t: number; users: StatusList; position: string | null }
  /** The whole roster as the page shows it (a window frame, or a delta already applied). */
  | { type: 'roster'; t: number; roster: Roster; position: string | null }
  /** What the previous page of this tab knew (sessionStorage), vouched for until `at` (server time): for the first paint. */
  | { type: 'restore'; users: StatusList; at: number; window: PresenceWindow; roster: Roster | null }
  /** A room as the connection now shows it; `view` null with `refused` when the server would not let this page in. */
  | { type: 'room'; t: number; room: RoomName; view: RoomView | null; refused?: string }
  /** The connection dropped: nothing is vouched for until the next snapshot. */
  | { type: 'dropped' }
  /** A refusal a person must act on (protocol mismatch, `maxUids`, a forbidden uid): logged once, in the page. */
  | { type: 'failed'; message: string };

export type TransportListener = (event: TransportEvent) => void;

export interface RetryOptions {
  /** First reconnect delay after a drop; doubles per failed attempt. Default 1000 ms. */
  minRetryMs?: number;
  /** Longest reconnect delay. Default 30 s. */
  maxRetryMs?: number;
}

/** How a page's stores reach the server: see `connectTransport`. */
export type TransportPath = 'worker' | 'leader' | 'tab';

/**
 * The one place that picks how a store connects, best first: the SharedWorker (one
 * connection per browser profile and origin), else a leader tab elected with Web Locks,
 * else one connection per tab. A page can force one with `<meta name="presence-transport"
 * content="tab">` or `configurePresence({ transport })`; a forced path the browser lacks
 * falls to the next one. A worker that fails to start falls back to the leader path.
 */
export function connectTransport(
  endpoint: string,
  listener: TransportListener,
  options: RetryOptions = {},
): PresenceTransport & { readonly path: TransportPath } {
  let path = availablePath(resolveTransport());
  const links: Record<TransportPath, () => LinkFactory> = {
    worker: () =>
      workerLink(() => {
        path = canElectLeader() ? 'leader' : 'tab';
        client.relink(links[path]());
      }),
    leader: () => leaderLink(options),
    tab: () => tabLink(options),
  };
  const client = new HubClient(endpoint, listener, links[path]());
  return Object.defineProperty(client, 'path', { get: () => path }) as HubClient & { readonly path: TransportPath };
}

function availablePath(wanted: TransportPath | null): TransportPath {
  const order: TransportPath[] = ['worker', 'leader', 'tab'];
  const usable = { worker: canUseWorker(), leader: canElectLeader(), tab: true };
  return order.slice(wanted ? order.indexOf(wanted) : 0).find((path) => usable[path]) ?? 'tab';
}
