import type { OnlineNow } from './online-now.js';
import type { PresenceDot } from './presence-dot.js';
import type { PresenceStatus } from './presence-status.js';
import type { PresenceHere } from './presence-here.js';
import type { PresenceTyping } from './presence-typing.js';

export { PresenceDot, type DotShape } from './presence-dot.js';
export { PresenceStatus } from './presence-status.js';
export { OnlineNow } from './online-now.js';
export { PresenceHere } from './presence-here.js';
export { PresenceTyping } from './presence-typing.js';
export { PresenceRoom } from './presence-room.js';
export { type RoomListener, type RoomMemberListener, type RoomSnapshot } from './room-feed.js';
export { RoomController, type RoomTarget } from './room-controller.js';
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
export { PresenceController, RosterController, type PresenceTarget, type RosterSource } from './presence-controller.js';
export { configurePresence, type PresenceConfig } from './config.js';
export type {
  PresenceState,
  RoomMember,
  RoomName,
  RoomState,
  RoomView,
  Roster,
  RosterEntry,
  Uid,
} from '@presence-kit/core';

declare global {
  interface HTMLElementTagNameMap {
    'presence-dot': PresenceDot;
    'presence-status': PresenceStatus;
    'online-now': OnlineNow;
    'presence-here': PresenceHere;
    'presence-typing': PresenceTyping;
  }
}
