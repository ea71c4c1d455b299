import type { OnlineNow } from './online-now.js';
import type { PresenceDot } from './presence-dot.js';
import type { PresenceStatus } from './presence-status.js';

export { PresenceDot, type DotShape } from './presence-dot.js';
export { PresenceStatus } from './presence-status.js';
export { OnlineNow } from './online-now.js';
export { PresenceElement, type ShownStatus } from './presence-element.js';
export { PresenceChangeEvent, PresenceJoinEvent, PresenceLeaveEvent, PresenceRosterEvent } from './events.js';
export {
  PresenceStore,
  type PresenceChange,
  type PresenceStateChange,
  type PresenceStoreOptions,
  type RosterListener,
  type StatusListener,
  type Unsubscribe,
  type WatchedStatus,
} from './presence-store.js';
export { getPresenceStore } from './store-registry.js';
export { PresenceController, RosterController, type PresenceTarget } from './presence-controller.js';
export { configurePresence, type PresenceConfig } from './config.js';
export type { PresenceState, Roster, RosterEntry, Uid } from '@presence-kit/core';

declare global {
  interface HTMLElementTagNameMap {
    'presence-dot': PresenceDot;
    'presence-status': PresenceStatus;
    'online-now': OnlineNow;
  }
}
