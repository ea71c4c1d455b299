import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RosterEntry } from '@presence-kit/core';

/** Longest a leaving avatar may linger if its animation never reports the end. */
const LEAVE_FALLBACK_MS = 1000;

/**
 * Who animates in and out of `<online-now>`: a person who left is still drawn (no
 * longer counted) until their animation ends, or a timeout if it never reports.
 */
export class RosterMotion implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  /** People animating out, with the timer that lets them go if `animationend` never comes. */
  readonly #leaving = new Map<string, { entry: RosterEntry; timer: ReturnType<typeof setTimeout> }>();
  /** People who arrived after the first render animate in. */
  readonly #entered = new Set<string>();

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Someone (back) in the roster: no longer leaving; `animate` when the element has rendered before. */
  enter(uid: string, animate: boolean): void {
    this.#forget(uid);
    if (animate) this.#entered.add(uid);
  }

  /** Someone left: drawn on, animating out, when `animate`. */
  leave(entry: RosterEntry, animate: boolean): void {
    this.#entered.delete(entry.uid);
    if (!animate) return;
    this.#leaving.set(entry.uid, { entry, timer: setTimeout(() => this.done(entry.uid), LEAVE_FALLBACK_MS) });
  }

  /** The leave animation ended: stop drawing them. */
  done(uid: string): void {
    if (!this.#leaving.has(uid)) return;
    this.#forget(uid);
    this.#host.requestUpdate();
  }

  isLeaving(uid: string): boolean {
    return this.#leaving.has(uid);
  }

  isEntering(uid: string): boolean {
    return this.#entered.has(uid);
  }

  get leaving(): RosterEntry[] {
    return [...this.#leaving.values()].map(({ entry }) => entry);
  }

  hostDisconnected(): void {
    for (const { timer } of this.#leaving.values()) clearTimeout(timer);
    this.#leaving.clear();
  }

  #forget(uid: string): void {
    clearTimeout(this.#leaving.get(uid)?.timer);
    this.#leaving.delete(uid);
  }
}
