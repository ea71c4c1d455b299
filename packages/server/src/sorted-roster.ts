import { compareRosterEntries, type RosterEntry, type Uid } from '@presence-kit/core';

/** Up to this many changes at once are spliced in one by one; more are merged in one pass. */
const SPLICE_AT_MOST = 16;

/**
 * The online users in roster order (core's `compareRosterEntries`), kept sorted as people
 * come and go, instead of sorting everyone on every change (which at 10,000 online was
 * most of a tick). A few changes: a binary search and a splice each. Many at once (a
 * restart, a burst): one filter, one sort of the newcomers and one merge, so a batch of k
 * costs O(n + k log k), never O(n × k).
 */
export class SortedRoster {
  #entries: RosterEntry[] = [];
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
    if (gone.size + moved.length <= SPLICE_AT_MOST) {
      for (const entry of gone) this.#entries.splice(this.#indexOf(entry), 1);
      for (const entry of moved) this.#entries.splice(this.#insertionPoint(entry), 0, entry);
      return;
    }
    const kept = gone.size > 0 ? this.#entries.filter((entry) => !gone.has(entry)) : this.#entries;
    this.#entries = merge(kept, moved.sort(compareRosterEntries));
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

function merge(a: readonly RosterEntry[], b: readonly RosterEntry[]): RosterEntry[] {
  if (b.length === 0) return [...a];
  const out: RosterEntry[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = compareRosterEntries(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
