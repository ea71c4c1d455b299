/**
 * Protocol version 1 (a stream per uid set, `?uids=…&roster=1`, verbose frames), which
 * servers no longer speak (they answer `400 protocol_mismatch`). Only the elements'
 * store still reads these until it is ported to version 2; delete this file then.
 */

import type { Roster } from './roster.js';
import type { StatusMap, Uid } from './protocol.js';
import type { PresenceWindow } from './window.js';

/** Query parameters of the version 1 stream. */
export const QUERY = { uids: 'uids', roster: 'roster' } as const;

export interface SnapshotFrame {
  t: number;
  window: PresenceWindow;
  users: StatusMap;
  roster?: Roster;
}
export interface PresenceFrame {
  t: number;
  users: StatusMap;
}
export interface RosterFrame extends Roster {
  t: number;
}

/** The version 1 stream's query string for a set of uids (sorted, so equal sets make equal URLs). */
export function streamQuery(uids: Iterable<Uid>, roster: boolean): string {
  const parts: string[] = [];
  const list = [...uids].sort();
  if (list.length > 0) parts.push(`${QUERY.uids}=${list.map(encodeURIComponent).join(',')}`);
  if (roster) parts.push(`${QUERY.roster}=1`);
  return parts.join('&');
}
