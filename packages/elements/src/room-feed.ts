import type { RoomMember, RoomName, RoomView } from '@presence-kit/core';
import { diffRoster } from './roster-diff.js';
import { serverNow } from './server-clock.js';
import { once, type Unsubscribe } from './watch-registry.js';

/** A room as a page shows it: null until its first frame; `refused` when the server would not let the page in. */
export interface RoomSnapshot {
  view: RoomView | null;
  /** Why the server refused this page the room (logged once in the console), or null. */
  refused: string | null;
}
export type RoomListener = (room: RoomSnapshot) => void;
export type RoomMemberListener = (member: RoomMember) => void;

/**
 * One room in a store: the last view its frames built, who listens to it, and the join and
 * leave listeners, told the difference between two views (never the page's own user, and
 * never for the first view, which is a baseline). Typing ends by itself on the receiver: one
 * timer for the soonest signal to run out.
 */
export class RoomFeed {
  readonly name: RoomName;
  #view: RoomView | null = null;
  #refused: string | null = null;
  readonly #watchers = new Set<RoomListener>();
  readonly #joins = new Set<RoomMemberListener>();
  readonly #leaves = new Set<RoomMemberListener>();
  #expiry: ReturnType<typeof setTimeout> | undefined;

  constructor(name: RoomName) {
    this.name = name;
  }

  get snapshot(): RoomSnapshot {
    return { view: this.#view, refused: this.#refused };
  }

  get listened(): boolean {
    return this.#watchers.size + this.#joins.size + this.#leaves.size > 0;
  }

  watch(listener: RoomListener): Unsubscribe {
    this.#watchers.add(listener);
    if (this.#view || this.#refused) listener(this.snapshot);
    return once(() => this.#watchers.delete(listener));
  }

  onJoin(listener: RoomMemberListener): Unsubscribe {
    this.#joins.add(listener);
    return once(() => this.#joins.delete(listener));
  }

  onLeave(listener: RoomMemberListener): Unsubscribe {
    this.#leaves.add(listener);
    return once(() => this.#leaves.delete(listener));
  }

  apply(view: RoomView | null, refused: string | null): void {
    const previous = this.#view;
    this.#view = view;
    this.#refused = refused;
    this.#notify();
    this.#scheduleExpiry();
    if (!previous || !view) return;
    const me = view.me;
    const { joined, left } = diffRoster(previous.members, view.members);
    for (const member of joined as RoomMember[])
      if (member.uid !== me) for (const listener of [...this.#joins]) listener(member);
    for (const member of left as RoomMember[])
      if (member.uid !== me) for (const listener of [...this.#leaves]) listener(member);
  }

  /** Nobody on the page is in the room any more: a later watcher starts from the next frame. */
  reset(): void {
    clearTimeout(this.#expiry);
    this.#view = null;
    this.#refused = null;
  }

  #notify(): void {
    for (const listener of [...this.#watchers]) listener(this.snapshot);
  }

  /** Drops typing signals that ran out, and wakes up again for the next one to. */
  #scheduleExpiry(): void {
    clearTimeout(this.#expiry);
    const view = this.#view;
    if (!view || view.typing.size === 0) return;
    const soonest = Math.min(...view.typing.values());
    this.#expiry = setTimeout(
      () => {
        const now = serverNow();
        // A new view, not the frame's: the connection (maybe in this very tab) keeps its own.
        this.#view = { ...view, typing: new Map([...view.typing].filter(([, until]) => until > now)) };
        this.#notify();
        this.#scheduleExpiry();
      },
      Math.max(0, soonest - serverNow()) + 20,
    );
  }
}
