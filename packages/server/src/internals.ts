import type { ActivityRecorder } from './activity-recorder.js';
import type { Presence } from './create-presence.js';
import type { LastSeenStore } from './last-seen-store.js';
import type { Relay } from './relay.js';

/**
 * The parts of one presence that tests and benchmarks drive by hand (a relay tick on a
 * fake clock, a sweep of held-back writes, the table itself) and a host never needs.
 * Deliberately not exported by the package: reach this module by its source path.
 */
export interface PresenceInternals {
  readonly store: LastSeenStore;
  readonly relay: Relay;
  readonly recorder: ActivityRecorder;
}

/** Module-private, so the parts stay out of reach of anything that only holds a `Presence`. */
const internals = new WeakMap<Presence, PresenceInternals>();

/** Called once by `createPresence` for the object it returns. */
export function keepInternals<P extends Presence>(presence: P, parts: PresenceInternals): P {
  internals.set(presence, parts);
  return presence;
}

/** The internals of a presence made by `createPresence`. */
export function internalsOf(presence: Presence): PresenceInternals {
  const parts = internals.get(presence);
  if (!parts) throw new TypeError('presence-kit: not a presence made by createPresence.');
  return parts;
}
