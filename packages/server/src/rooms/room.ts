import {
  compareRosterEntries,
  encodeRosterEntry,
  type RoomDeltaFrame,
  type RoomName,
  type RoomState,
  type RoomWindowFrame,
  type RosterEntry,
  type Uid,
} from '@presence-kit/core';
import type { Session, WindowSize } from '../sessions.js';
import { SortedRoster } from '../sorted-roster.js';
import type { MemberRow } from './room-store.js';

/** What one tick decided for a room: who joined and left, for the host's hooks and the fan-out. */
export interface RoomStep {
  joined: RosterEntry[];
  /** The joins this process's pages brought in (the others' are their processes' to report). */
  joinedHere: Uid[];
  left: Uid[];
  /** Whose last page here in this process is gone past the grace (other processes may still hold them). */
  ended: Uid[];
}

/**
 * One room: its members in roster order, the sessions that keep each of them here, who is
 * leaving (their last session closed, within the grace), the viewers grouped by window size,
 * and each member's state and typing. Changes wait for the tick, which publishes them as one
 * delta per window size (`deltaFor`): cost is changes × viewers, never members².
 */
export class Room {
  /** The members as last published: what every viewer's window is computed from. */
  readonly members = new SortedRoster();
  /** The sessions that keep each user here (several tabs, several devices: one member). */
  readonly #here = new Map<Uid, Set<Session>>();
  /** Users with a session here who are not published members yet, with the entry they join with. */
  readonly #joining = new Map<Uid, RosterEntry>();
  /** Users whose last session here ended → the monotonic time they leave unless one comes back. */
  readonly #leaving = new Map<Uid, number>();
  readonly viewers = new Map<WindowSize, Set<Session>>();
  readonly state = new Map<Uid, RoomState>();
  /**
   * Who is typing → until when, on the monotonic clock (a wall clock set back must not keep
   * someone typing for minutes, nor one set forward end it at once), and the wall time the spell
   * was stated with, which the shared rows carry (so an unchanged row reads unchanged).
   */
  readonly #typing = new Map<Uid, { until: number; wall: number }>();
  /** This tick's changes, published by `deltaFor`. */
  #stateChanged = new Set<Uid>();
  #typingChanged = new Map<Uid, number>();
  #previous: readonly RosterEntry[] = [];
  #step: RoomStep = { joined: [], joinedHere: [], left: [], ended: [] };
  /** Other processes on the same SQLite file: their rows per member (uid → process → row). */
  readonly #remote = new Map<Uid, Map<string, MemberRow>>();
  /** Members no process holds any more, leaving at the next step. */
  readonly #remoteLeft = new Set<Uid>();

  constructor(
    readonly name: RoomName,
    readonly monotonic: () => number,
    /** The longest anyone types without saying so again: caps another process's `typingUntil`. */
    readonly typingSeconds: number,
  ) {}

  get empty(): boolean {
    return (
      this.viewers.size === 0 &&
      this.#here.size === 0 &&
      this.members.size === 0 &&
      this.#leaving.size === 0 &&
      this.#remote.size === 0
    );
  }

  /** Someone still has a page here (or is within the grace): their state and typing count. */
  isHere(uid: Uid): boolean {
    return this.#here.has(uid);
  }

  watch(session: Session, size: WindowSize): void {
    this.unwatch(session);
    let set = this.viewers.get(size);
    if (!set) this.viewers.set(size, (set = new Set()));
    set.add(session);
  }

  unwatch(session: Session): void {
    for (const [size, set] of this.viewers) {
      if (!set.delete(session)) continue;
      if (set.size === 0) this.viewers.delete(size);
      return;
    }
  }

  /**
   * A signed-in user's session is here: a member from the next tick (at once if they were
   * leaving). True when this process did not hold them yet (its row says so from now on).
   */
  arrive(session: Session, entry: RosterEntry): boolean {
    const uid = entry.uid;
    let sessions = this.#here.get(uid);
    const arrived = !sessions && !this.#leaving.has(uid);
    if (!sessions) this.#here.set(uid, (sessions = new Set()));
    sessions.add(session);
    this.#leaving.delete(uid);
    this.#remoteLeft.delete(uid);
    if (!this.members.has(uid) && !this.#joining.has(uid)) this.#joining.set(uid, entry);
    return arrived;
  }

  /** This process's word on a member, for the other processes (`room-store.ts`): what it shows of them now. */
  rowFor(uid: Uid, present: boolean, now: number): Omit<MemberRow, 'process'> {
    const entry = this.members.get(uid) ?? this.#joining.get(uid);
    return {
      room: this.name,
      uid,
      present,
      name: entry?.name ?? uid,
      avatar: entry?.avatar ?? null,
      since: entry?.last_seen ?? now,
      state: this.state.get(uid) ?? null,
      typingUntil: this.#typing.get(uid)?.wall ?? 0,
    };
  }

  /** Another process's row: the member is here while any process holds them; their state and typing are the latest word. */
  applyRemote(row: MemberRow, now: number): void {
    let rows = this.#remote.get(row.uid);
    if (row.present) {
      if (!rows) this.#remote.set(row.uid, (rows = new Map()));
      rows.set(row.process, row);
    } else {
      rows?.delete(row.process);
      if (rows?.size === 0) this.#remote.delete(row.uid);
    }
    this.#reconcile(row.uid, row.present ? row : undefined, now);
  }

  /** Processes that stopped saying they are alive: their members no longer count. */
  forgetProcesses(live: ReadonlySet<string>, now: number): void {
    for (const [uid, rows] of this.#remote) {
      for (const process of rows.keys()) if (!live.has(process)) rows.delete(process);
      if (rows.size > 0) continue;
      this.#remote.delete(uid);
      this.#reconcile(uid, undefined, now);
    }
  }

  #reconcile(uid: Uid, row: MemberRow | undefined, now: number): void {
    const elsewhere = this.#remote.has(uid);
    const local = this.#here.has(uid) || this.#leaving.has(uid);
    if (elsewhere) {
      this.#remoteLeft.delete(uid);
      if (!this.members.has(uid) && !this.#joining.has(uid) && row)
        this.#joining.set(uid, { uid, name: row.name, avatar: row.avatar, last_seen: row.since });
    } else if (!local) {
      this.#joining.delete(uid);
      if (this.members.has(uid)) this.#remoteLeft.add(uid);
    }
    if (!row) return;
    this.setState(uid, row.state);
    if (row.typingUntil > now) {
      // The row is wall time (the writer's); what is left of it, at most a whole typing spell.
      const left = Math.min(row.typingUntil - now, this.typingSeconds * 1000);
      const seconds = Math.max(1, Math.ceil(left / 1000));
      if (this.#typing.get(uid)?.wall !== row.typingUntil) {
        this.#typing.set(uid, { until: this.monotonic() + left, wall: row.typingUntil });
        this.#typingChanged.set(uid, seconds);
      }
    } else this.#clearTyping(uid);
  }

  /** A session left (or its stream closed): its user leaves after the grace once no session of theirs is here. */
  depart(session: Session, uid: Uid, leaveAt: number): void {
    const sessions = this.#here.get(uid);
    if (!sessions?.delete(session) || sessions.size > 0) return;
    this.#here.delete(uid);
    // Even if never shown: this process's row must be ended after the grace.
    this.#leaving.set(uid, leaveAt);
    // Another process's pages may still hold them (and be where they type).
    if (this.#remote.has(uid)) return;
    this.#joining.delete(uid);
    this.#clearTyping(uid);
  }

  /** Change-only: the same state again is no change. */
  setState(uid: Uid, state: RoomState | null): void {
    const before = this.state.get(uid);
    if (JSON.stringify(before ?? null) === JSON.stringify(state)) return;
    if (state === null) this.state.delete(uid);
    else this.state.set(uid, state);
    this.#stateChanged.add(uid);
  }

  setTyping(uid: Uid, typing: boolean, now: number, seconds: number): void {
    if (!typing) return this.#clearTyping(uid);
    this.#typing.set(uid, { until: this.monotonic() + seconds * 1000, wall: now + seconds * 1000 });
    this.#typingChanged.set(uid, seconds);
  }

  #clearTyping(uid: Uid): void {
    if (!this.#typing.delete(uid)) return;
    this.#typingChanged.set(uid, 0);
  }

  /** Joins who arrived, removes who left past their grace, forgets expired typing; true when there is anything to publish. */
  step(monotonic: number): boolean {
    // In roster order, so every frame lists its joins the way the bar shows them.
    const joined = [...this.#joining.values()].sort(compareRosterEntries);
    this.#joining.clear();
    const left: Uid[] = [];
    const ended: Uid[] = [];
    for (const [uid, at] of this.#leaving) {
      if (at > monotonic) continue;
      this.#leaving.delete(uid);
      ended.push(uid);
      // Still here through another process's pages.
      if (!this.#remote.has(uid) && this.members.has(uid)) left.push(uid);
    }
    for (const uid of this.#remoteLeft)
      if (!this.#here.has(uid) && !this.#leaving.has(uid) && this.members.has(uid)) left.push(uid);
    this.#remoteLeft.clear();
    for (const uid of left) {
      this.state.delete(uid);
      this.#stateChanged.delete(uid);
    }
    for (const [uid, { until }] of this.#typing) if (until <= monotonic) this.#typing.delete(uid);
    // The members before the step, for the window deltas; only copied when they change.
    this.#previous = this.members.entries;
    if (joined.length > 0 || left.length > 0) {
      this.#previous = [...this.members.entries];
      this.members.apply(joined, left);
    }
    // Not a join another process (one alive, or one just killed whose page reconnected here) already reported.
    const joinedHere = joined
      .filter((entry) => this.#here.has(entry.uid) && !this.#remote.has(entry.uid))
      .map((entry) => entry.uid);
    this.#step = { joined, joinedHere, left, ended };
    return (
      ended.length > 0 ||
      joined.length > 0 ||
      left.length > 0 ||
      this.#stateChanged.size > 0 ||
      this.#typingChanged.size > 0
    );
  }

  get lastStep(): RoomStep {
    return this.#step;
  }

  /** What the last step changed inside a window of `size`, or null when nothing it shows changed. */
  deltaFor(size: WindowSize, t: number): RoomDeltaFrame | null {
    const previous = this.#previous;
    const next = this.members.entries;
    let join: readonly RosterEntry[] = this.#step.joined;
    let leave: readonly Uid[] = this.#step.left;
    let inWindow: (uid: Uid) => boolean = (uid) => this.members.has(uid);
    // As the roster's windows: one that held and holds everyone changes by exactly the step's joins and leaves.
    if (size < previous.length || size < next.length) {
      const before = new Set(previous.slice(0, size).map((entry) => entry.uid));
      const after = next.slice(0, size);
      const now = new Set(after.map((entry) => entry.uid));
      join = after.filter((entry) => !before.has(entry.uid));
      leave = [...before].filter((uid) => !now.has(uid));
      inWindow = (uid) => now.has(uid);
    }
    const frame: RoomDeltaFrame = { t, room: this.name, count: next.length };
    if (join.length > 0) frame.join = join.map((entry) => encodeRosterEntry(entry, t));
    if (leave.length > 0) frame.leave = [...leave];
    const changedStates = [...this.#stateChanged].filter(inWindow);
    // Joiners bring the state they set before they were shown.
    const joinerStates = join.map((entry) => entry.uid).filter((uid) => this.state.has(uid));
    const states = this.#statesOf([...new Set([...changedStates, ...joinerStates])]);
    if (states) frame.state = states;
    if (this.#typingChanged.size > 0) frame.typing = Object.fromEntries(this.#typingChanged);
    const changed = join.length > 0 || leave.length > 0 || states !== undefined || this.#typingChanged.size > 0;
    return changed || next.length !== previous.length ? frame : null;
  }

  /** These members' states (null: cleared), keyed with no prototype so any uid is an own key; undefined for none. */
  #statesOf(uids: readonly Uid[]): Record<Uid, RoomState | null> | undefined {
    if (uids.length === 0) return undefined;
    const states: Record<Uid, RoomState | null> = Object.create(null);
    for (const uid of uids) states[uid] = this.state.get(uid) ?? null;
    return states;
  }

  /** The step is published: its changes are forgotten. */
  published(): void {
    this.#stateChanged = new Set();
    this.#typingChanged = new Map();
    this.#step = { joined: [], joinedHere: [], left: [], ended: [] };
  }

  /** The window a session gets when it enters (or resizes): the published members, their state, who types now. */
  windowFor(size: WindowSize, t: number, me: Uid | null): RoomWindowFrame {
    const users = this.members.entries.slice(0, size);
    const frame: RoomWindowFrame = {
      t,
      room: this.name,
      count: this.members.size,
      users: users.map((entry) => encodeRosterEntry(entry, t)),
    };
    const states = this.#statesOf(users.map((entry) => entry.uid).filter((uid) => this.state.has(uid)));
    if (states) frame.state = states as Record<Uid, RoomState>;
    if (this.#typing.size > 0) {
      const typing: Record<Uid, number> = Object.create(null);
      const mono = this.monotonic();
      for (const [uid, { until }] of this.#typing) typing[uid] = Math.max(1, Math.ceil((until - mono) / 1000));
      frame.typing = typing;
    }
    if (me !== null) frame.me = me;
    return frame;
  }
}
