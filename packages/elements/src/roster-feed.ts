import type { Roster, RosterEntry } from '@presence-kit/core';
import { diffRoster } from './roster-diff.js';
import { once, type Unsubscribe } from './watch-registry.js';

export type RosterListener = (roster: Roster, live: boolean) => void;
export type RosterEntryListener = (entry: RosterEntry) => void;

/**
 * A store's roster and who listens to it: watchers get the whole roster, join and
 * leave listeners the difference. Any listener keeps the roster subscribed, through
 * `wantRoster` (the registry's roster interest).
 */
export class RosterFeed {
  readonly #wantRoster: () => Unsubscribe;
  readonly #watchers = new Set<RosterListener>();
  readonly #joinListeners = new Set<RosterEntryListener>();
  readonly #leaveListeners = new Set<RosterEntryListener>();
  #roster: Roster | null = null;
  #live = false;

  constructor(wantRoster: () => Unsubscribe) {
    this.#wantRoster = wantRoster;
  }

  get roster(): Roster | null {
    return this.#roster;
  }

  /** Called at once with the last known roster (if any), then on every change. */
  watch(listener: RosterListener): Unsubscribe {
    this.#watchers.add(listener);
    if (this.#roster) listener(this.#roster, this.#live);
    return this.#interest(this.#watchers, listener);
  }

  onJoin(listener: RosterEntryListener): Unsubscribe {
    this.#joinListeners.add(listener);
    return this.#interest(this.#joinListeners, listener);
  }

  onLeave(listener: RosterEntryListener): Unsubscribe {
    this.#leaveListeners.add(listener);
    return this.#interest(this.#leaveListeners, listener);
  }

  /** A roster from a frame, so a live one; the first one is a baseline, not a wave of joins. */
  apply(next: Roster): void {
    const previous = this.#roster;
    this.#roster = next;
    this.#live = true;
    for (const listener of [...this.#watchers]) listener(next, true);
    if (!previous) return;
    const { joined, left } = diffRoster(previous.users, next.users);
    for (const entry of joined) for (const listener of [...this.#joinListeners]) listener(entry);
    for (const entry of left) for (const listener of [...this.#leaveListeners]) listener(entry);
  }

  /** What the previous page knew, before any frame: a baseline that no stream vouches for yet. */
  restore(roster: Roster): void {
    if (this.#roster) return;
    this.#roster = roster;
    for (const listener of [...this.#watchers]) listener(roster, false);
  }

  /** The connection dropped or stopped carrying the roster: what is known stays, no longer vouched for. */
  lapse(): void {
    if (!this.#live) return;
    this.#live = false;
    if (this.#roster) for (const listener of [...this.#watchers]) listener(this.#roster, false);
  }

  /** Nothing is wanted any more: a later watcher starts from the next snapshot. */
  reset(): void {
    this.#roster = null;
    this.#live = false;
  }

  #interest<T>(set: Set<T>, listener: T): Unsubscribe {
    const release = this.#wantRoster();
    return once(() => {
      set.delete(listener);
      release();
    });
  }
}
