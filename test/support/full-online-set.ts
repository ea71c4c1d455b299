/**
 * The online set recomputed from scratch every step, the way the relay's tick worked
 * before it went incremental: the reference the incremental `OnlineSet` is checked
 * against (test/online-set.test.ts) and the "before" of the tick benchmark (bench/3-tick.ts).
 *
 * - `readAll: false` — the old tick: reads every row that can be online (the hysteresis
 *   range, widened to everyone shown online), applies the rules to each, and sorts the
 *   whole roster with `localeCompare` whenever the set changed.
 * - `readAll: true` — the model: reads every row every step and so remembers every
 *   value it ever read (what the incremental set approximates with a bounded memory).
 */
import { candidateCutoff, staysOnline, type PresenceWindow, type RosterEntry, type Uid } from '@presence-kit/core';
import type { LastSeenStore } from '../../packages/server/src/last-seen-store.js';

export interface FullOnlineSetOptions {
  store: Pick<LastSeenStore, 'recentlySeen' | 'users'>;
  window: PresenceWindow;
  now: () => number;
  monotonic: () => number;
  readAll: boolean;
}

export interface FullStep {
  entered: Uid[];
  /** Uids that went offline; `hidden` marks those who hid their status. */
  left: { uid: Uid; hidden: boolean }[];
  /** The whole roster, sorted afresh when the set changed. */
  roster: RosterEntry[];
}

/** The comparator the roster used before: `localeCompare` with options on every comparison. */
export function compareByLocaleCompare(a: RosterEntry, b: RosterEntry): number {
  return a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0);
}

export class FullOnlineSet {
  readonly #o: FullOnlineSetOptions;
  #online = new Map<Uid, RosterEntry>();
  #observed = new Map<Uid, { lastSeen: number; at: number }>();
  #primed = false;
  #roster: RosterEntry[] = [];

  constructor(options: FullOnlineSetOptions) {
    this.#o = options;
  }

  step(): FullStep {
    const { store, window } = this.#o;
    const now = this.#o.now();
    const mono = this.#o.monotonic();
    let cutoff = this.#o.readAll ? Number.MIN_SAFE_INTEGER : candidateCutoff(now, window);
    for (const entry of this.#online.values()) cutoff = Math.min(cutoff, entry.last_seen);
    const next = new Map<Uid, RosterEntry>();
    const hidden = new Set<Uid>();
    const observed = new Map<Uid, { lastSeen: number; at: number }>();
    const entered: Uid[] = [];
    for (const user of store.recentlySeen(cutoff)) {
      if (user.lastSeen === null) continue;
      const known = this.#observed.get(user.uid);
      const seen =
        known && known.lastSeen === user.lastSeen
          ? known
          : { lastSeen: user.lastSeen, at: mono - Math.max(0, now - user.lastSeen) };
      observed.set(user.uid, seen);
      if (user.hidden) {
        hidden.add(user.uid);
        continue;
      }
      const shown = this.#online.get(user.uid);
      if (staysOnline(!this.#primed || shown !== undefined, seen.at, mono, window)) {
        next.set(
          user.uid,
          shown && shown.last_seen === user.lastSeen
            ? shown
            : { uid: user.uid, name: shown?.name ?? user.uid, avatar: shown?.avatar ?? null, last_seen: user.lastSeen },
        );
        if (!shown) entered.push(user.uid);
      }
    }
    if (entered.length > 0) {
      const profiles = store.users(entered);
      for (const uid of entered) {
        const profile = profiles.get(uid);
        const entry = next.get(uid);
        if (profile && entry) Object.assign(entry, { name: profile.name, avatar: profile.avatar });
      }
    }
    const left = [...this.#online.keys()]
      .filter((uid) => !next.has(uid))
      .map((uid) => ({ uid, hidden: hidden.has(uid) }));
    this.#observed = observed;
    this.#primed = true;
    this.#online = next;
    if (entered.length > 0 || left.length > 0) this.#roster = [...next.values()].sort(compareByLocaleCompare);
    return { entered, left, roster: this.#roster };
  }
}
