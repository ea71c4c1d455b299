import { clockOffset } from '@presence-kit/core';

/**
 * The page's estimate of the server's clock, so "ago" labels and the fallback window
 * never trust the device clock. A stream frame's `t` is the best source (it has just
 * arrived). Until one arrives, the `server-now` that server-rendered elements carry
 * stands in: they were rendered moments before the page loaded, so it is right to
 * within that delay. A page with neither uses the device clock.
 */
let offset = 0;
let fromStream = false;

/** The server's clock (epoch ms), as far as this page knows it. */
export function serverNow(): number {
  return Date.now() + offset;
}

/** Learns the server's time `t` (epoch ms) from a frame (`stream`) or server-rendered markup (`markup`). */
export function learnServerTime(t: number | null, source: 'stream' | 'markup'): void {
  if (t === null || !Number.isFinite(t)) return;
  // Markup may come from a cache; once a frame has spoken, it no longer counts.
  if (source === 'markup' && fromStream) return;
  offset = clockOffset(t, Date.now());
  if (source === 'stream') fromStream = true;
}
