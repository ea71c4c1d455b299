/**
 * Simulated people, so nobody has to open ten browsers. Every bit of activity is a
 * real HTTP request, made as that user, through the demo's own activity middleware:
 * the simulator never writes presence itself.
 */
export interface SimulatorOptions {
  /** Uids the simulator may drive. */
  uids: readonly string[];
  /** Makes one real request as `uid` (the demo wires this to `GET /api/ping`). */
  ping: (uid: string) => Promise<void>;
  /**
   * Leaves a page of `uid`'s open without interacting (the demo holds a real presence stream as
   * them); returns the way to close it. A server with idle on shows them idle, one without greys them.
   */
  openPage: (uid: string) => () => void;
  /** How often held and crowd users browse again; the write throttle interval fits. */
  intervalMs: number;
  /** Chance per interval that an idle crowd member arrives / an active one leaves. */
  arriveChance?: number;
  leaveChance?: number;
  random?: () => number;
  log?: (message: string) => void;
}

/** Browsing, in the crowd, a tab left open without interacting, or no page open at all. */
export type SimulatedActivity = 'active' | 'crowd' | 'idle' | 'left';

export interface SimulatorState {
  crowd: boolean;
  /** What the simulator is doing for each user (not whether they are online: the dots say that). */
  users: Record<string, SimulatedActivity>;
}

export class Simulator {
  readonly #o: Required<Omit<SimulatorOptions, 'log'>> & Pick<SimulatorOptions, 'log'>;
  readonly #held = new Set<string>();
  readonly #crowdActive = new Set<string>();
  /** Users with a tab left open, and how to close it. */
  readonly #openPages = new Map<string, () => void>();
  #crowd = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  #failing = false;

  constructor(options: SimulatorOptions) {
    this.#o = { arriveChance: 0.2, leaveChance: 0.3, random: Math.random, ...options };
  }

  knows(uid: string): boolean {
    return this.#o.uids.includes(uid);
  }

  /** One request now, then again every interval until `idle(uid)`. */
  async activate(uid: string): Promise<void> {
    this.#held.add(uid);
    this.#ensureTimer();
    await this.#ping(uid);
  }

  /**
   * Stops browsing as `uid` but leaves their tab open: with idle on the server shows them idle
   * after `idleSeconds`; without, grey after the window plus margin, as for anyone who stops.
   */
  idle(uid: string): void {
    this.#held.delete(uid);
    this.#crowdActive.delete(uid);
    if (!this.#openPages.has(uid)) this.#openPages.set(uid, this.#o.openPage(uid));
    this.#stopTimerIfUnused();
  }

  /** `uid` closes their tab too: offline after the margin once the server sees their last page go. */
  leave(uid: string): void {
    this.#held.delete(uid);
    this.#crowdActive.delete(uid);
    this.#closePage(uid);
    this.#stopTimerIfUnused();
  }

  /** Everyone stops and closes their tabs. */
  idleEveryone(): void {
    this.#held.clear();
    this.#crowdActive.clear();
    this.#crowd = false;
    for (const uid of [...this.#openPages.keys()]) this.#closePage(uid);
    this.#stopTimerIfUnused();
  }

  /** A crowd that comes and goes: random arrivals and departures every interval. */
  async setCrowd(on: boolean): Promise<void> {
    this.#crowd = on;
    if (!on) {
      this.#crowdActive.clear();
      this.#stopTimerIfUnused();
      return;
    }
    this.#ensureTimer();
    await this.#step();
  }

  state(): SimulatorState {
    const users: Record<string, SimulatedActivity> = {};
    for (const uid of this.#o.uids) {
      users[uid] = this.#held.has(uid)
        ? 'active'
        : this.#crowdActive.has(uid)
          ? 'crowd'
          : this.#openPages.has(uid)
            ? 'idle'
            : 'left';
    }
    return { crowd: this.#crowd, users };
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const uid of [...this.#openPages.keys()]) this.#closePage(uid);
  }

  #closePage(uid: string): void {
    this.#openPages.get(uid)?.();
    this.#openPages.delete(uid);
  }

  #ensureTimer(): void {
    // unref: a running crowd must never keep a shutting-down process alive.
    this.#timer ??= setInterval(() => void this.#step(), this.#o.intervalMs).unref();
  }

  #stopTimerIfUnused(): void {
    if (this.#held.size === 0 && !this.#crowd) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  async #step(): Promise<void> {
    if (this.#crowd) {
      for (const uid of this.#o.uids) {
        if (this.#held.has(uid)) continue;
        const r = this.#o.random();
        if (this.#crowdActive.has(uid)) {
          if (r < this.#o.leaveChance) this.#crowdActive.delete(uid);
        } else if (r < this.#o.arriveChance) {
          this.#crowdActive.add(uid);
        }
      }
    }
    await Promise.all([...this.#held, ...this.#crowdActive].map((uid) => this.#ping(uid)));
  }

  async #ping(uid: string): Promise<void> {
    try {
      await this.#o.ping(uid);
      this.#failing = false;
    } catch (error) {
      // Once per episode: a stopped server would otherwise log every interval.
      if (!this.#failing)
        this.#o.log?.(`demo simulator: a request as "${uid}" failed (${String(error)}); it retries next interval.`);
      this.#failing = true;
    }
  }
}
