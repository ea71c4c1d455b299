/**
 * The presence rules: one `last_seen` per user, online inside a short
 * window, quick on / slow off. All times are epoch milliseconds; windows are seconds.
 */

import { DEFAULT_TIMEOUT_SECONDS, DEFAULT_WINDOW, type PresenceWindow } from './window.js';

/** Default write throttle: half the window, so a browsing user never ages out between writes. */
export function defaultWriteSeconds(timeoutSeconds: number): number {
  return timeoutSeconds / 2;
}

/**
 * Time since `lastSeen`, never negative: a timestamp from a clock that is ahead
 * reads as "just now", never as "in 2 minutes".
 */
export function elapsedSince(lastSeen: number, now: number): number {
  return Math.max(0, now - lastSeen);
}

/**
 * THE window rule: the moment a status stops being online by itself. Someone not yet
 * shown online is online until `lastSeen + timeout` (quick on); someone already shown
 * online stays until `lastSeen + timeout + margin` (slow off), which stops dots
 * flickering at the boundary. Never seen: -Infinity. Every other rule and timer derives
 * from this one.
 */
export function offlineAt(
  wasOnline: boolean,
  lastSeen: number | null | undefined,
  window: PresenceWindow = DEFAULT_WINDOW,
): number {
  if (lastSeen == null || !Number.isFinite(lastSeen)) return -Infinity;
  const seconds = wasOnline ? window.timeoutSeconds + window.marginSeconds : window.timeoutSeconds;
  return lastSeen + seconds * 1000;
}

/**
 * Online now under hysteresis. A `lastSeen` ahead of `now` (a clock that runs ahead)
 * reads as just now, never as "in 2 minutes".
 */
export function staysOnline(
  wasOnline: boolean,
  lastSeen: number | null | undefined,
  now: number,
  window: PresenceWindow = DEFAULT_WINDOW,
): boolean {
  return now < offlineAt(wasOnline, lastSeen, window);
}

/** Quick on: online as soon as the last activity is inside the window. */
export function isOnline(
  lastSeen: number | null | undefined,
  now: number,
  timeoutSeconds: number = DEFAULT_TIMEOUT_SECONDS,
): boolean {
  return staysOnline(false, lastSeen, now, { timeoutSeconds, marginSeconds: 0 });
}

/** Oldest `last_seen` that can still be online under hysteresis: the relay's one indexed range. */
export function candidateCutoff(now: number, window: PresenceWindow = DEFAULT_WINDOW): number {
  // offlineAt(true, 0) is the longest anyone can stay online after their last activity.
  return now - offlineAt(true, 0, window);
}

/** The write throttle: write when nothing was written yet or the last write is a full period old. */
export function shouldWrite(lastWrite: number | undefined, now: number, writeSeconds: number): boolean {
  if (lastWrite === undefined) return true;
  // A clock that went backwards must not silence a user until it catches up again.
  if (now < lastWrite) return true;
  return now - lastWrite >= writeSeconds * 1000;
}
