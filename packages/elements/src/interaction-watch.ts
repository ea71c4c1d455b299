/**
 * The page's one set of interaction listeners (pointer, key, scroll, wheel, touch, focus):
 * passive, attached only while someone watches (a store that wants something, with reporting
 * on), and throttled, so a pointer moving across the page costs a clock read per event and at
 * most one call a second (the last interaction of a burst is told when the second ends). Only an interaction while the page is visible counts: a hidden tab
 * reports nothing, which is what makes it idle rather than active on a server with idle on.
 */
const EVENTS = ['pointerdown', 'pointermove', 'keydown', 'scroll', 'wheel', 'touchstart', 'focus'] as const;
const THROTTLE_MS = 1000;
// Capture on window: scroll and focus do not bubble, and a page that stops propagation still counts.
const LISTEN: AddEventListenerOptions = { capture: true, passive: true };

const watchers = new Set<() => void>();
let last = -Infinity;
/** Set while an interaction inside the throttle waits to be told, so the last one of a burst is never lost. */
let trailing: ReturnType<typeof setTimeout> | null = null;

function interacted(): void {
  if (document.visibilityState !== 'visible' || trailing !== null) return;
  const wait = last + THROTTLE_MS - performance.now();
  if (wait > 0) trailing = setTimeout(tell, wait);
  else tell();
}

function tell(): void {
  trailing = null;
  last = performance.now();
  for (const watcher of watchers) watcher();
}

/** Calls `watcher` (at most once a second) while the person uses the visible page; returns the way to stop. */
export function watchInteractions(watcher: () => void): () => void {
  if (typeof window === 'undefined') return () => {};
  if (watchers.size === 0) for (const type of EVENTS) window.addEventListener(type, interacted, LISTEN);
  watchers.add(watcher);
  return () => {
    if (!watchers.delete(watcher) || watchers.size > 0) return;
    for (const type of EVENTS) window.removeEventListener(type, interacted, LISTEN);
    if (trailing !== null) clearTimeout(trailing);
    trailing = null;
  };
}
