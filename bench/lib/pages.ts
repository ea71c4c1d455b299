import { DEFAULT_WINDOW, offlineAt } from '@presence-kit/core';
import type { Visit } from './trace.js';

/** What one watching page received, and what it showed. */
export class Page {
  readonly display = new Map<string, boolean>();
  readonly watches: ReadonlySet<string>;
  closeAt: number | null = null;
  /** Frames that carry presence: the first snapshot (or bulk answer) and every update after it. */
  frames = 0;
  updates = 0;
  /** Updates that changed nothing this page shows. */
  uselessUpdates = 0;
  /** Keep-alive comments, `retry:` hints, session hellos, engine.io pings. */
  transportFrames = 0;
  /** Frames the page sends (heartbeats, pongs, subscribes, activity reports). */
  upstreamFrames = 0;
  /** What keeps the sender present, page → server: activity reports (presence-kit), heartbeats and pongs (the peer). */
  heartbeats = 0;
  /** Their bytes, page → server and back (HTTP heads both ways for a report; WebSocket frames for the peer). */
  heartbeatBytes = 0;
  bytes = 0;
  /** Bytes of everything until and including the first snapshot (headers, hints, snapshot). */
  openingBytes = 0;
  flicker = 0;
  ready = false;
  /** presence-kit only: the parts of the opening (see scenario 5). */
  opening = { head: 0, hello: 0, snapshot: 0 };
  readonly #offAt = new Map<string, number>();

  constructor(
    readonly visit: Visit,
    readonly openAt: number,
    readonly truth: Truth,
  ) {
    this.watches = new Set(visit.watches);
  }

  /** The page's first full picture. */
  snapshot(users: ReadonlyMap<string, boolean>): void {
    this.frames++;
    for (const uid of this.watches) this.display.set(uid, users.get(uid) ?? false);
    this.ready = true;
  }

  /** An update frame with these statuses; counts display changes and flicker. */
  update(users: ReadonlyMap<string, boolean>, at: number): void {
    this.frames++;
    this.updates++;
    let changed = false;
    for (const [uid, online] of users) {
      if (!this.watches.has(uid) || this.display.get(uid) === online) continue;
      changed = true;
      this.display.set(uid, online);
      if (!online) {
        this.#offAt.set(uid, at);
      } else {
        // Flicker: shown offline and back online although the user never paused for a whole
        // window (every system here runs with the default) between the activity before the offline and the one after it.
        const off = this.#offAt.get(uid);
        const window = DEFAULT_WINDOW.timeoutSeconds * 1000;
        if (off !== undefined && this.truth.lastActivity(uid, at) - this.truth.lastActivity(uid, off) < window)
          this.flicker++;
        this.#offAt.delete(uid);
      }
    }
    if (!changed) this.uselessUpdates++;
  }
}

/** Ground truth from the trace: when each user was really active. */
export class Truth {
  readonly #views = new Map<string, number[]>();
  readonly #closeAt = new Map<string, number>();

  constructor(visits: readonly Visit[]) {
    // A reader's interactions are activity too, though no request carries them.
    for (const v of visits) {
      this.#views.set(v.uid, v.interactions ? [...v.views, ...v.interactions].sort((a, b) => a - b) : v.views);
      if (v.closeAt !== null) this.#closeAt.set(v.uid, v.closeAt);
    }
  }

  /** Whether the user's tab is still open at `at` (a closed tab is someone who left, however recent their activity). */
  isOpen(uid: string, at: number): boolean {
    return at < (this.#closeAt.get(uid) ?? Infinity);
  }

  /** The last activity at or before `at`, or -Infinity. */
  lastActivity(uid: string, at: number): number {
    const views = this.#views.get(uid) ?? [];
    let lo = 0;
    let hi = views.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((views[mid] as number) <= at) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? -Infinity : (views[lo - 1] as number);
  }
}

/** Every page's totals for one system and mode, plus the state samples taken while it ran. */
export interface Tally {
  pages: Page[];
  /** Times each uid's server-side state flipped. */
  transitions: Map<string, number[]>;
  /** Page × watched uid samples where the page showed something other than the server's state. */
  missedSamples: number;
  /** Page × watched uid samples shown online although the user had been idle for over window + margin. */
  onlineWhileIdleSamples: number;
  /**
   * Page × watched uid samples shown offline although the user, tab still open, was active (a view
   * or an interaction) 10–60 s before: 10 s, so that a page still loading (up to 9 s) is not counted.
   */
  offlineWhileActiveSamples: number;
  samples: number;
}

export function newTally(): Tally {
  return {
    pages: [],
    transitions: new Map(),
    missedSamples: 0,
    onlineWhileIdleSamples: 0,
    offlineWhileActiveSamples: 0,
    samples: 0,
  };
}

export function recordTransition(tally: Tally, uid: string, at: number): void {
  const list = tally.transitions.get(uid);
  if (list) list.push(at);
  else tally.transitions.set(uid, [at]);
}

/** Samples every open page against the server's current state. */
export function sample(tally: Tally, open: Iterable<Page>, serverOnline: (uid: string) => boolean, at: number): void {
  for (const page of open) {
    if (!page.ready) continue;
    for (const uid of page.watches) {
      const shown = page.display.get(uid) ?? false;
      tally.samples++;
      if (shown !== serverOnline(uid)) tally.missedSamples++;
      // One tick (1 s) of slack past the moment the window rule lets them go.
      const last = page.truth.lastActivity(uid, at);
      if (shown && at > offlineAt(true, last, DEFAULT_WINDOW) + 1_000) tally.onlineWhileIdleSamples++;
      // A page load's first request can take up to 9 s to reach the server: activity 10 s old counts.
      if (!shown && at - last >= 10_000 && at < offlineAt(false, last, DEFAULT_WINDOW) && page.truth.isOpen(uid, at))
        tally.offlineWhileActiveSamples++;
    }
  }
}

/** True when nothing the page watches changed state while it was open. */
export function wasIdle(tally: Tally, page: Page, end: number): boolean {
  const until = page.closeAt ?? end;
  for (const uid of page.watches) {
    for (const at of tally.transitions.get(uid) ?? []) if (at > page.openAt && at <= until) return false;
  }
  return true;
}
