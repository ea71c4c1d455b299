import type { ActivityRecorder } from './activity-recorder.js';
import type { Presence } from './create-presence.js';
import type { PresenceEngine } from './engine.js';
import type { LastSeenStore } from './last-seen-store.js';
import type { Relay } from './relay.js';
import type { Rooms } from './rooms/rooms.js';
import type { SqliteEngine } from './sqlite-engine.js';

/**
 * The parts of one presence that tests and benchmarks drive by hand (a relay tick on a
 * fake clock, a sweep of held-back writes, the table itself) and a host never needs.
 * Deliberately not exported by the package: reach this module by its source path.
 */
export interface PresenceInternals {
  readonly engine: PresenceEngine;
  /** The SQLite table (throws on the Redis engine, which has none). */
  readonly store: LastSeenStore;
  readonly relay: Relay;
  readonly recorder: ActivityRecorder;
  readonly rooms: Rooms;
}

interface Parts {
  engine: PresenceEngine;
  sqlite: SqliteEngine | undefined;
  relay: Relay;
  recorder: ActivityRecorder;
  rooms: Rooms;
}

/** Module-private, so the parts stay out of reach of anything that only holds a `Presence`. */
const internals = new WeakMap<Presence, PresenceInternals>();

/** Called once by `createPresence` for the object it returns. */
export function keepInternals<P extends Presence>(presence: P, { engine, sqlite, relay, recorder, rooms }: Parts): P {
  internals.set(presence, {
    engine,
    relay,
    recorder,
    rooms,
    get store() {
      if (!sqlite) throw new TypeError('presence-kit: this presence runs on Redis; it has no SQLite store.');
      return sqlite.store;
    },
  });
  return presence;
}

/** The internals of a presence made by `createPresence`. */
export function internalsOf(presence: Presence): PresenceInternals {
  const parts = internals.get(presence);
  if (!parts) throw new TypeError('presence-kit: not a presence made by createPresence.');
  return parts;
}
