import type { Uid } from '@presence-kit/core';
import type { ResumeState } from './resume-point.js';
import type { SubscriptionChange, TransportEvent } from './transport.js';

/**
 * What tabs and the one shared connection (the SharedWorker, or the leader tab) say to each
 * other, over a MessagePort or a BroadcastChannel. Plain data only: it is structured-cloned.
 */
export type ClientMessage =
  /** A tab's store joins. `lock` is a Web Lock the tab holds while it lives: once it is free, the tab is gone. */
  | {
      type: 'attach';
      client: string;
      endpoint: string;
      resume: ResumeState | null;
      lock: string | null;
      visible: boolean;
    }
  | { type: 'update'; client: string; endpoint: string; change: SubscriptionChange }
  | { type: 'detach'; client: string; endpoint: string }
  | { type: 'reconnect'; client: string; endpoint: string }
  /** The person interacted with a visible page of this tab (throttled); the hub reports it (`activity-reporter.ts`). */
  | { type: 'activity'; client: string; endpoint: string };

/** The shared connection's events, addressed to one tab's store. */
export interface HubMessage {
  type: 'event';
  client: string;
  endpoint: string;
  event: TransportEvent;
}

/** How a tab's store reaches the hub. */
export interface HubLink {
  send(message: ClientMessage): void;
  /** The Web Lock this tab holds while it lives, for the hub to wait on; null when the hub is in this tab. */
  readonly lock: string | null;
  /** Stops listening and lets go of the tab's lock. */
  close(): void;
}

/** An id per store per page, unguessable enough to address one tab; `crypto.randomUUID` needs a secure context. */
export function newClientId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

export const LOCK_PREFIX = 'presence-kit';

/** Union bookkeeping keyed by uid: counts how many tabs want each one. */
export function countIn(counts: Map<Uid, number>, uid: Uid, delta: 1 | -1): boolean {
  const next = (counts.get(uid) ?? 0) + delta;
  if (next <= 0) counts.delete(uid);
  else counts.set(uid, next);
  return delta === 1 ? next === 1 : next <= 0;
}
