import { clockOffset } from '@presence-kit/core';

/**
 * The page's estimate of the server's clock, so "ago" labels and the fallback window
 * never trust the device clock. A stream frame's `t` is the best source (it has just
 * arrived). Until one arrives, the `server-now` that server-rendered elements carry
 * stands in: they were rendered moments before the page loaded, so it is right to
 * within that delay. A page with neither uses the device clock.
 */
/**
 * The server's time minus `performance.now()`: counted on the page's monotonic clock, so a
 * device clock set back or forward mid-session (an NTP correction) moves no label or typing
 * expiry until the next frame. Until anything is learnt, the device clock as the page loaded.
 */
let offset = Date.now() - performance.now();
let fromStream = false;

/** The server's clock (epoch ms), as far as this page knows it. */
export function serverNow(): number {
  return performance.now() + offset;
}

/** Learns the server's time `t` (epoch ms) from a frame (`stream`) or server-rendered markup (`markup`). */
export function learnServerTime(t: number | null, source: 'stream' | 'markup'): void {
  if (t === null || !Number.isFinite(t)) return;
  // Markup may come from a cache; once a frame has spoken, it no longer counts.
  if (source === 'markup' && fromStream) return;
  offset = clockOffset(t, performance.now());
  if (source === 'stream') fromStream = true;
}
