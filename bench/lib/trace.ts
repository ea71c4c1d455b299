import { seededRandom } from '../../test/support/random.js';

/** How a user behaves over the trace: browsing, bursts, one look, an idle tab. */
export type Behaviour = 'steady' | 'bursty' | 'drop-in' | 'tab left open';

export interface Visit {
  uid: string;
  behaviour: Behaviour;
  /** Page views (or, in a single-page app, in-app navigations that hit the API), ms from the start, ascending. */
  views: number[];
  /** Load time of each view's page until its script connects, ms (a few slow loads on bad networks). */
  loads: number[];
  /** When the tab closes, or null if it is still open when the trace ends. */
  closeAt: number | null;
  /** The other users whose dots this user's pages show. */
  watches: string[];
  /** Interaction without a request (reading: scroll, keys, pointer), ms from the start: only in the readers trace. */
  interactions?: number[];
}

/**
 * The same visits, read as well as clicked: while a user reads, their page sees an interaction
 * every 3–8 s and makes no request. Steady browsers and drop-ins read from their first view
 * until their tab closes; bursty users read through each burst and 30 s after it; a tab left
 * open is read for 20 s, then left alone.
 */
export function withReaders(visits: readonly Visit[], durationMs: number, seed: number): Visit[] {
  const rand = seededRandom(seed);
  const spans = (v: Visit): [number, number][] => {
    const first = v.views[0] as number;
    const end = Math.min(v.closeAt ?? durationMs, durationMs);
    if (v.behaviour === 'tab left open') return [[first, first + 20_000]];
    if (v.behaviour !== 'bursty') return [[first, end]];
    const out: [number, number][] = [];
    for (const at of v.views) {
      const last = out.at(-1);
      if (last && at - last[1] < 30_000) last[1] = at + 30_000;
      else out.push([at, at + 30_000]);
    }
    return out;
  };
  return visits.map((v) => {
    const interactions: number[] = [];
    for (const [from, to] of spans(v)) {
      for (
        let t = from + 3_000 + Math.round(rand() * 5_000);
        t < Math.min(to, durationMs);
        t += 3_000 + Math.round(rand() * 5_000)
      )
        interactions.push(t);
    }
    return { ...v, interactions };
  });
}

export interface TraceOptions {
  users: number;
  durationMs: number;
  watchesPerPage: number;
  seed: number;
}

/** One deterministic activity trace, replayed identically through every system compared. */
export function buildTrace(o: TraceOptions): Visit[] {
  const rand = seededRandom(o.seed);
  // Whole milliseconds: times are added to an epoch clock and must come back exactly.
  const between = (lo: number, hi: number): number => Math.round(lo + rand() * (hi - lo));
  const load = (): number => {
    const r = rand();
    // 90% quick, 8% sluggish, 2% slow enough (> 5 s) to outlast a 5 s disconnect grace.
    return r < 0.9 ? between(200, 800) : r < 0.98 ? between(800, 3000) : between(5000, 9000);
  };
  const visits: Visit[] = [];
  for (let i = 0; i < o.users; i++) {
    const r = rand();
    const behaviour: Behaviour = r < 0.35 ? 'steady' : r < 0.65 ? 'bursty' : r < 0.85 ? 'drop-in' : 'tab left open';
    const views: number[] = [];
    let closeAt: number | null = null;
    if (behaviour === 'steady') {
      const start = between(0, o.durationMs / 2);
      const leave = start + between(120_000, o.durationMs);
      for (let t = start; t < Math.min(leave, o.durationMs); t += between(10_000, 45_000)) views.push(t);
      closeAt = leave < o.durationMs ? leave : null;
    } else if (behaviour === 'bursty') {
      let t = between(0, o.durationMs / 3);
      while (t < o.durationMs) {
        const burst = Math.floor(between(3, 9));
        for (let k = 0; k < burst && t < o.durationMs; k++, t += between(2_000, 5_000)) views.push(t);
        t += between(60_000, 240_000);
      }
    } else if (behaviour === 'drop-in') {
      const at = between(0, o.durationMs - 30_000);
      views.push(at);
      closeAt = at + between(5_000, 30_000);
    } else {
      views.push(between(0, 60_000));
    }
    const watches = new Set<string>();
    while (watches.size < Math.min(o.watchesPerPage, o.users - 1)) {
      const other = Math.floor(rand() * o.users);
      if (other !== i) watches.add(String(other));
    }
    visits.push({ uid: String(i), behaviour, views, loads: views.map(load), closeAt, watches: [...watches] });
  }
  return visits;
}

/** Min-heap of timed actions: the discrete-event clock both simulations run on. */
export class Schedule<T> {
  readonly #heap: { at: number; seq: number; item: T }[] = [];
  #seq = 0;

  get size(): number {
    return this.#heap.length;
  }

  add(at: number, item: T): void {
    const heap = this.#heap;
    heap.push({ at, seq: this.#seq++, item });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** The earliest action (ties in insertion order). */
  pop(): { at: number; item: T } | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && this.#less(l, m)) m = l;
        if (r < heap.length && this.#less(r, m)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }

  #less(a: number, b: number): boolean {
    const x = this.#heap[a]!;
    const y = this.#heap[b]!;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }
}
