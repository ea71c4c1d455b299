/** Something whose text or state changes with time alone (a "last seen 5m ago" label). */
export interface Scheduled {
  /** Milliseconds until it would show something else, or Infinity if never. */
  msUntilChange(): number;
  /** Re-reads the clock and rewrites what changed. */
  refresh(): void;
}

const scheduled = new Set<Scheduled>();
let timer: ReturnType<typeof setTimeout> | undefined;
let due = Infinity;

/** Longest single sleep: setTimeout overflows past 2^31-1 ms. */
const MAX_DELAY = 2 ** 31 - 1;

/**
 * ONE timer for every time-based element on the page: it sleeps until the soonest
 * change any of them needs (a minute while labels say "5m ago", an hour once they say
 * "3h ago") instead of one interval per element.
 */
export function schedule(item: Scheduled): void {
  scheduled.add(item);
  wakeWithin(item.msUntilChange());
}

export function unschedule(item: Scheduled): void {
  scheduled.delete(item);
  if (scheduled.size === 0) stop();
}

function stop(): void {
  clearTimeout(timer);
  timer = undefined;
  due = Infinity;
}

/** Makes sure the timer fires within `ms`; an earlier timer already set is kept. */
function wakeWithin(ms: number): void {
  if (!Number.isFinite(ms)) return;
  // A small floor keeps a boundary case from spinning; the extra ms lands past the edge.
  const delay = Math.min(MAX_DELAY, Math.max(50, ms + 1));
  const at = Date.now() + delay;
  if (timer !== undefined && due <= at) return;
  clearTimeout(timer);
  due = at;
  timer = setTimeout(fire, delay);
}

function fire(): void {
  timer = undefined;
  due = Infinity;
  let soonest = Infinity;
  for (const item of [...scheduled]) {
    item.refresh();
    soonest = Math.min(soonest, item.msUntilChange());
  }
  wakeWithin(soonest);
}
