import type { LiveState, RosterEntry, Uid } from '@presence-kit/core';
import type { PresenceChange, PresenceStateChange } from './presence-store.js';

/** Every presence event bubbles and crosses shadow roots, so a page can listen once on `document`. */
const BUBBLING: EventInit = { bubbles: true, composed: true };

/**
 * `presence-change`: the status a `<presence-dot>` or `<presence-status>` shows really
 * changed (never on first render).
 */
export class PresenceChangeEvent extends Event {
  static readonly type = 'presence-change';
  readonly uid: Uid;
  readonly online: boolean;
  readonly lastSeen: number | null;
  /** `online`, `idle` (present, no interaction; a server with idle on) or `offline`. `online` stays true for idle. */
  readonly state: LiveState;
  readonly #detail: PresenceChange;

  /** Without a `state` (an older caller), it follows `online`. */
  constructor(change: PresenceChange & Partial<Pick<PresenceStateChange, 'state'>>) {
    super(PresenceChangeEvent.type, BUBBLING);
    this.uid = change.uid;
    this.online = change.online;
    this.lastSeen = change.lastSeen;
    this.state = change.state ?? (change.online ? 'online' : 'offline');
    this.#detail = { uid: change.uid, online: change.online, lastSeen: change.lastSeen };
  }

  /** `{ uid, online, lastSeen }`, as when this was a `CustomEvent`: kept for listeners written against it. */
  get detail(): PresenceChange {
    return this.#detail;
  }
}

/** What `presence-join` and `presence-leave` share: the person in question. */
export abstract class PresenceRosterEvent extends Event {
  /** The person, as `<online-now>`'s `people` holds them. */
  readonly entry: RosterEntry;

  constructor(type: string, entry: RosterEntry) {
    super(type, BUBBLING);
    this.entry = entry;
  }

  /** The entry, `{ uid, name, avatar, last_seen }`, as when this was a `CustomEvent`. */
  get detail(): RosterEntry {
    return this.entry;
  }
}

/** `presence-join`: someone appeared in `<online-now>`'s roster. */
export class PresenceJoinEvent extends PresenceRosterEvent {
  static readonly type = 'presence-join';
  constructor(entry: RosterEntry) {
    super(PresenceJoinEvent.type, entry);
  }
}

/** `presence-leave`: someone left `<online-now>`'s roster. */
export class PresenceLeaveEvent extends PresenceRosterEvent {
  static readonly type = 'presence-leave';
  constructor(entry: RosterEntry) {
    super(PresenceLeaveEvent.type, entry);
  }
}

declare global {
  interface HTMLElementEventMap {
    'presence-change': PresenceChangeEvent;
    'presence-join': PresenceJoinEvent;
    'presence-leave': PresenceLeaveEvent;
  }
}
