import type { Uid } from '@presence-kit/core';
import type { StoredUser } from '../last-seen-store.js';
import type { ClusterMirror } from './cluster-mirror.js';

/**
 * The stored facts this node last read from Redis, for the few users it serves, so a
 * snapshot while Redis is unreachable still says `last seen 5m ago` rather than nothing.
 * Bounded: the least recently read go first.
 */
export class UserCache {
  readonly #users = new Map<Uid, StoredUser>();

  constructor(readonly limit: number) {}

  set(user: StoredUser): void {
    this.#users.delete(user.uid);
    this.#users.set(user.uid, user);
    if (this.#users.size > this.limit) this.#users.delete(this.#users.keys().next().value!);
  }

  forget(uid: Uid): void {
    this.#users.delete(uid);
  }

  /** What is known of these uids: read before, or shown online by the cluster. */
  lookup(uids: readonly Uid[], online: ClusterMirror): Map<Uid, StoredUser> {
    const found = new Map<Uid, StoredUser>();
    for (const uid of uids) {
      const shown = online.get(uid);
      const known = this.#users.get(uid);
      const lastSeen = Math.max(shown?.last_seen ?? 0, known?.lastSeen ?? 0) || null;
      if (known) found.set(uid, { ...known, lastSeen });
      else if (shown) found.set(uid, { uid, name: shown.name, avatar: shown.avatar, lastSeen, hidden: false });
    }
    return found;
  }
}
