import type { Context } from 'hono';
import type { Uid } from '@presence-kit/core';
import type { FaultLog } from './fault-log.js';
import type { ResolvedOptions } from './options.js';

/**
 * Who made this request, by the host's `resolveUser`, as text: null for a guest, a host without
 * `resolveUser`, or a `resolveUser` that threw (logged). Not yet checked against the uid rule: the
 * activity recorder checks (and logs) what it is given, and a session keeps only a valid uid.
 * The activity middleware, and every session (whose rooms and open pages are that user's), ask it.
 */
export async function currentUser(c: Context, o: ResolvedOptions, faults: FaultLog): Promise<Uid | null> {
  if (!o.resolveUser) return null;
  try {
    const uid = await o.resolveUser(c);
    if (uid === null || uid === undefined || uid === '') return null;
    return String(uid);
  } catch (error) {
    faults.failed('resolving the current user', error);
    return null;
  }
}
