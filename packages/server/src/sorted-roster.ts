import { compareRosterEntries, type RosterEntry, type Uid } from '@presence-kit/core';

/** Up to this many changes at once are spliced in one by one; more are merged in one pass. */
const SPLICE_AT_MOST = 16;

/**
 * The online users in roster order (core's `compareRosterEntries`), kept sorted as people
 * come and go, instead of sorting everyone on every change (which at 10,000 online was
 * most of a tick). A few changes: a binary search and a splice each. Many at once (a
 * restart, a burst): a binary search each, then one copy of the array that skips the
 * removed and slots in the new, so a batch of k costs k log n comparisons and one O(n)
 * copy without comparisons, never O(n × k) moves or n comparisons.
 *
 * Once `entries` has been handed out, the array is never spliced again: the next change of
 * who is in it or of the order builds a new one (the one copy a batch costs anyway), so the
 * relay keeps the array as the roster it published without a copy of its own. Only an
 * entry whose place stays (a newer `last_seen` or avatar) is replaced where it is.
 */
export class SortedRoster {
  #entries: RosterEntry[] = [];
  readonly #byUid = new Map<Uid, RosterEntry>();
  /** Whether `#entries` was handed out, so must not be spliced. */
  #shared = false;

  get size(): number {
    return this.#entries.length;
  }

  /** The entries in order: the same array until who is in it or the order changes. */
  get entries(): readonly RosterEntry[] {
    this.#shared = true;
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
    this.apply([entry], []);
  }

  /** Removes these uids, then adds or replaces these entries (one per uid). */
  apply(entries: readonly RosterEntry[], removals: Iterable<Uid>): void {
    const gone = new Set<RosterEntry>();
    for (const uid of removals) {
      const entry = this.#byUid.get(uid);
      if (entry) gone.add(entry);
      this.#byUid.delete(uid);
    }
    const moved: RosterEntry[] = [];
    for (const entry of entries) {
      const old = this.#byUid.get(entry.uid);
      this.#byUid.set(entry.uid, entry);
      // Same place in the order (only last_seen or avatar changed): replaced where it is.
      if (old && compareRosterEntries(old, entry) === 0) this.#entries[this.#indexOf(old)] = entry;
      else {
        if (old) gone.add(old);
        moved.push(entry);
      }
    }
    if (gone.size + moved.length === 0) return;
    if (!this.#shared && gone.size + moved.length <= SPLICE_AT_MOST) {
      for (const entry of gone) this.#entries.splice(this.#indexOf(entry), 1);
      for (const entry of moved) this.#entries.splice(this.#insertionPoint(entry), 0, entry);
      return;
    }
    this.#entries = this.#rebuilt(gone, moved.sort(compareRosterEntries));
    this.#shared = false;
  }

  /**
   * The entries without `gone` and with `added` (sorted) slotted in, in one pass that copies
   * the runs between changes whole (`slice`, then one `concat`) rather than entry by entry.
   */
  #rebuilt(gone: ReadonlySet<RosterEntry>, added: readonly RosterEntry[]): RosterEntry[] {
    const old = this.#entries;
    const removeAt = Array.from(gone, (entry) => this.#indexOf(entry)).sort((a, b) => a - b);
    // Sorted newcomers have non-decreasing insertion points in the old array.
    const insertAt = added.map((entry) => this.#insertionPoint(entry));
    const runs: RosterEntry[][] = [];
    let from = 0;
    let r = 0;
    let a = 0;
    while (r < removeAt.length || a < added.length) {
      // Newcomers slot in before the old entry at their point (which may itself be removed).
      if (a < added.length && (r === removeAt.length || insertAt[a]! <= removeAt[r]!)) {
        const at = insertAt[a]!;
        const first = a;
        while (a < added.length && insertAt[a] === at) a++;
        if (at > from) runs.push(old.slice(from, at));
        runs.push(added.slice(first, a));
        from = at;
      } else {
        const at = removeAt[r++]!;
        if (at > from) runs.push(old.slice(from, at));
        from = at + 1;
      }
    }
    runs.push(old.slice(from));
    // Spread in slices: a call takes only so many arguments.
    let out: RosterEntry[] = [];
    for (let i = 0; i < runs.length; i += 4096) out = out.concat(...runs.slice(i, i + 4096));
    return out;
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
