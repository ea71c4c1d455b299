import type { SubscribeResponse, Uid } from '@presence-kit/core';
import type { LastSeenStore, StoredUser, UserProfile, UsersTable } from './last-seen-store.js';
import type { OpenPages } from './open-pages.js';
import type { OnlineSource, Relay } from './relay.js';
import type { Refusal, SubscriptionChange } from './subscribe.js';
import type { RoomSharing } from './rooms/room-store.js';

/** The room part of a change forwarded from another node, for a session this process holds. */
export interface ForwardedRooms {
  /** Checked before anything of the change is applied (the room cap counts this session's rooms). */
  refuse(change: SubscriptionChange): Refusal | null;
  /** Enters and leaves its rooms, after its uids were applied. */
  apply(change: SubscriptionChange): Promise<void>;
}

/** What the activity recorder writes through: synchronous, and never waits on a network. */
export type ActivityWrites = Pick<LastSeenStore, 'touch' | 'touchIfNewer'>;

/**
 * Where presence is stored and where the online set comes from: the seam between the
 * relay, routes and recorder (the same on every engine) and the storage behind them.
 *
 * - SQLite (`sqlite-engine.ts`, the default): one file, read by this process's own online
 *   set each tick; several processes on one file agree because they read the same rows.
 * - Redis (`redis/redis-engine.ts`): N nodes, one online set computed by the node holding
 *   the leader lease and published, numbered, to every node's relay.
 *
 * Rooms (`rooms/`) live in each process, which holds its sessions; `rooms` shares their
 * membership, state and typing with the other processes (SQLite: `rooms/room-store.ts`,
 * Redis: `redis/redis-room-store.ts`).
 */
export interface PresenceEngine {
  readonly kind: 'sqlite' | 'redis';
  readonly writes: ActivityWrites;
  /** This process's open pages (signed-in users' sessions), written where the online set reads them. */
  readonly pages?: OpenPages;
  /** The online set the relay shows. */
  readonly online: OnlineSource;
  /** How a host's rows name the fields (the kit's own names on Redis). */
  readonly mapping: Readonly<UsersTable>;
  /** Resolves once the engine can serve; rejects with a one-sentence error saying what to fix. */
  readonly ready: Promise<void>;
  /** Put before every sid this process hands out, so another node can tell whose session it is ('' on SQLite). */
  readonly sidPrefix: string;
  /** The stored facts for these uids; unknown uids are absent. */
  users(uids: readonly Uid[]): Promise<Map<Uid, StoredUser>>;
  /** The same, synchronously: SQLite only (`presence.users`). */
  usersNow?(uids: readonly Uid[]): Map<Uid, StoredUser>;
  upsertUser(profile: UserProfile): void;
  setHidden(uid: Uid, hidden: boolean): void;
  /**
   * Applies a change to a session another process holds (another Redis node, or another process on the SQLite file); null when none holds it.
   * Absent where every session is this process's.
   */
  forward?(change: SubscriptionChange): Promise<Refusal | SubscribeResponse | null>;
  /** Shares rooms across the processes on this storage. */
  readonly rooms: RoomSharing;
  /**
   * Called once with the relay the engine feeds, and how a change forwarded here from another
   * node (already authorized there) enters and leaves the rooms of a session this process holds.
   */
  attach(relay: Relay, rooms: ForwardedRooms): void;
  /** Stops timers and connections; resolves once what it still held is written where it can be. */
  close(): Promise<void>;
}
