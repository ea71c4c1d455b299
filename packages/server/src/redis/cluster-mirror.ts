import type { RosterEntry, Uid } from '@presence-kit/core';
import type { OnlineStep } from '../online-set.js';
import type { OnlineSource } from '../relay.js';
import { SortedRoster } from '../sorted-roster.js';

/** One published change of the cluster's online set, as it travels on the stream. */
export interface ClusterChange {
  /** The cluster's epoch and this change's number in it. */
  e: string;
  s: number;
  /** Users who came online, with the entry the roster shows. */
  enter: RosterEntry[];
  /** Users who went offline: uid, and whether they hid their status. */
  leave: [Uid, boolean][];
  /** Online users whose name or avatar changed. */
  update: RosterEntry[];
  /** Present users whose state changed (online ↔ idle), with their new entry (idle on only). */
  restate?: RosterEntry[];
}

/**
 * A node's copy of the cluster's online set, as last published: what its relay shows
 * (`has`, `entries`) and serves while Redis is unreachable. Changed only by published
 * changes, in order, or by a resync to the published set.
 */
export class ClusterMirror implements OnlineSource {
  readonly #roster = new SortedRoster();
  /** Until the cluster's numbering is known: this node's own, which no client can resume. */
  epoch: string;
  seq = 0;

  constructor(epoch: string) {
    this.epoch = epoch;
  }

  get entries(): readonly RosterEntry[] {
    return this.#roster.entries;
  }

  has(uid: Uid): boolean {
    return this.#roster.has(uid);
  }

  get(uid: Uid): RosterEntry | undefined {
    return this.#roster.get(uid);
  }

  /** Applies the next change; returns what the relay pushes. */
  apply(change: ClusterChange): OnlineStep {
    const left: OnlineStep['left'] = [];
    for (const [uid, hidden] of change.leave) {
      const entry = this.#roster.get(uid);
      if (entry) left.push({ entry, hidden });
    }
    const entered = change.enter.filter((entry) => !this.#roster.has(entry.uid));
    this.#roster.apply(
      entered,
      left.map(({ entry }) => entry.uid),
    );
    for (const entry of change.update) if (this.#roster.has(entry.uid)) this.#roster.set(entry);
    const restated = (change.restate ?? []).filter((entry) => this.#roster.has(entry.uid));
    for (const entry of restated) this.#roster.set(entry);
    this.seq = change.s;
    return restated.length > 0 ? { entered, left, restated } : { entered, left };
  }

  /**
   * Becomes the published set (after a gap in the stream, or a new epoch): returns who
   * entered and left compared with what this node showed. `hidden` names leavers who hid.
   */
  resync(epoch: string, seq: number, published: readonly RosterEntry[], hidden: ReadonlySet<Uid>): OnlineStep {
    const next = new Map(published.map((entry) => [entry.uid, entry]));
    const left = this.#roster.entries
      .filter((entry) => !next.has(entry.uid))
      .map((entry) => ({ entry, hidden: hidden.has(entry.uid) }));
    const entered = published.filter((entry) => !this.#roster.has(entry.uid));
    const restated = published.filter((entry) => {
      const shown = this.#roster.get(entry.uid);
      return shown !== undefined && Boolean(shown.idle) !== Boolean(entry.idle);
    });
    // Everyone published is applied: those already shown are replaced in place (a newer name).
    this.#roster.apply(
      published,
      left.map(({ entry }) => entry.uid),
    );
    this.epoch = epoch;
    this.seq = seq;
    return restated.length > 0 ? { entered, left, restated } : { entered, left };
  }
}
