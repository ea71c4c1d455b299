import type { RoomName, SubscribeResponse } from '@presence-kit/core';
import type { ForwardedRooms, PresenceEngine } from './engine.js';
import type { Relay } from './relay.js';
import { subscribeHere, type Refusal, type SubscriptionChange } from './subscribe.js';

/** What the process holding a session answers a forwarded change: null when it holds no such session. */
export type ForwardResult = Refusal | SubscribeResponse | null;

/** A subscription change as JSON carries it between processes (a Set and Infinity do not survive JSON). */
export type WireChange = Omit<SubscriptionChange, 'known' | 'roster' | 'rooms'> & {
  known: string[];
  roster?: number | 'all' | null;
  /** Room → window size ('all' for Infinity), null to leave. */
  rooms?: [RoomName, number | 'all' | null][];
};

const toWire = (size: number | null): number | 'all' | null => (size === Infinity ? 'all' : size);
const fromWire = (size: number | 'all' | null | undefined): number | null =>
  size === 'all' ? Infinity : (size ?? null);

export function changeToWire(change: SubscriptionChange): WireChange {
  return {
    ...change,
    known: [...change.known],
    roster: change.roster === Infinity ? 'all' : change.roster,
    rooms: [...change.rooms].map(([room, size]) => [room, toWire(size)]),
  };
}

export function changeFromWire(wire: WireChange): SubscriptionChange {
  const { known, roster, rooms, ...rest } = wire;
  return {
    ...rest,
    known: new Set(known),
    roster: roster === 'all' ? Infinity : roster,
    rooms: new Map((rooms ?? []).map(([room, size]) => [room, fromWire(size)])),
  };
}

/** The process that holds a sid: what comes before its first dot (null for a sid without one). */
export function processOfSid(sid: string): string | null {
  const dot = sid.indexOf('.');
  return dot > 0 ? sid.slice(0, dot) : null;
}

/**
 * Applies a change another process forwarded (already authorized there, where the request is) to a
 * session this process holds: its room cap, its uids, then its rooms, as for a change made here.
 */
export async function applyForwarded(
  relay: Relay,
  engine: Pick<PresenceEngine, 'users'>,
  rooms: ForwardedRooms | undefined,
  change: SubscriptionChange,
  o: { maxUids: number; now: () => number },
): Promise<ForwardResult> {
  const refused = rooms?.refuse(change);
  if (refused) return refused;
  const result = await subscribeHere(relay, engine, change, o);
  if (result && !('status' in result)) await rooms?.apply(change);
  return result;
}
