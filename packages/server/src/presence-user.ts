import type { Uid } from '@presence-kit/core';
import type { StoredUser, UsersTable } from './last-seen-store.js';

/**
 * A user as `presence.users()` hands them to a host: profile and last activity, as a row
 * the render helpers read directly (`presence.renderDot(user, …)`). A type, not an
 * interface, so it is a `UserRow` as it stands.
 */
export type PresenceUser = {
  uid: Uid;
  /** The display name; the uid when none is stored. */
  name: string;
  /** The avatar URL, or null for none. */
  avatar: string | null;
  /** The last activity, epoch ms; null when never seen. */
  last_seen: number | null;
  /**
   * True when the user hides their status. Rendered, they read as offline and never seen,
   * as to every other viewer.
   */
  hidden: boolean;
};

/**
 * The row for a stored user. Rows are read by the mapped column names, so when the host's
 * table names `last_seen` or `hidden` differently the row carries those names as well:
 * it then renders the same under any mapping.
 */
export function presenceUserOf(user: StoredUser, mapping: Readonly<UsersTable>): PresenceUser {
  const row: PresenceUser = {
    uid: user.uid,
    name: user.name,
    avatar: user.avatar,
    last_seen: user.lastSeen,
    hidden: user.hidden,
  };
  const aliases: Record<string, unknown> = row;
  if (mapping.lastSeen !== 'last_seen') aliases[mapping.lastSeen] = user.lastSeen;
  if (mapping.hidden !== null && mapping.hidden !== 'hidden') aliases[mapping.hidden] = user.hidden;
  return row;
}
