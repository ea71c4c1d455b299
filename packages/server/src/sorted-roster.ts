import { compareRosterEntries, type RosterEntry, type Uid } from '@presence-kit/core';

/**
 * The online users in roster order (core's `compareRosterEntries`), kept sorted as people
 * come and go: a binary search and one splice per change, instead of sorting everyone
 * on every change (which at 10,000 online was most of a tick).
 */
export class SortedRoster {
  readonly #entries: RosterEntry[] = [];
  readonly #byUid = new Map<Uid, RosterEntry>();

  get size(): number {
    return this.#entries.length;
  }

  /** The entries in order. Live: copy it to keep a snapshot. */
  get entries(): readonly RosterEntry[] {
    return this.#entries;
  }

  get(uid: Uid): RosterEntry | undefined {
    return this.#byUid.get(uid);
  }

  has(uid: Uid): boolean {
    return this.#byUid.has(uid);
  }

  /** Adds an entry, or replaces the one with its uid (moving it if its name changed). */
  set(entry: RosterEntry): void {
    const old = this.#byUid.get(entry.uid);
    if (old) {
      const at = this.#indexOf(old);
      if (compareRosterEntries(old, entry) === 0) {
        // Same place in the order (only last_seen or avatar changed): replace in place.
        this.#entries[at] = entry;
        this.#byUid.set(entry.uid, entry);
        return;
      }
      this.#entries.splice(at, 1);
    }
    this.#entries.splice(this.#insertionPoint(entry), 0, entry);
    this.#byUid.set(entry.uid, entry);
  }

  /** Removes a uid's entry and returns it (undefined when absent). */
  delete(uid: Uid): RosterEntry | undefined {
    const entry = this.#byUid.get(uid);
    if (!entry) return undefined;
    this.#entries.splice(this.#indexOf(entry), 1);
    this.#byUid.delete(uid);
    return entry;
  }

  /** The first index whose entry sorts after `entry`. */
  #insertionPoint(entry: RosterEntry): number {
    let lo = 0;
    let hi = this.#entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareRosterEntries(this.#entries[mid]!, entry) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Where a stored entry is: entries never compare equal (the uid breaks ties), so the search lands on it. */
  #indexOf(entry: RosterEntry): number {
    return this.#insertionPoint(entry) - 1;
  }
}
