/**
 * The presence rules: one `last_seen` per user, online inside a short
 * window, quick on / slow off. All times are epoch milliseconds; windows are seconds.
 */

import type { LiveState } from './protocol.js';
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

/**
 * What the server knows of one person, on one timeline (ms): their last activity and, when a page
 * of theirs was open, until when (`pagesUntil`: a moment ahead while pages are open, refreshed;
 * once the last one closed, the moment it did).
 */
export interface ActivityFacts {
  lastSeen: number | null;
  pagesUntil: number | null;
}

/**
 * THE open-pages and idle rule, on top of the window rule. A page that closed after the last
 * activity ends the presence at `pagesUntil` (plus the margin once shown), not after the whole
 * window: someone who left is offline after the margin, and a reload (the next page opens well
 * inside the margin) never shows them leaving. With `idleSeconds` (idle on), an open page keeps
 * them present: online while active within the window or `idleSeconds`, whichever is longer,
 * else idle. Quick on, slow off on every edge: the margin applies to whatever state is shown.
 */
export function liveStateAt(
  shown: LiveState,
  facts: ActivityFacts,
  now: number,
  window: PresenceWindow = DEFAULT_WINDOW,
  idleSeconds: number | null = null,
): LiveState {
  const present = shown !== 'offline';
  if (now >= presentUntil(present, facts, window, idleSeconds)) return 'offline';
  return now >= activeUntil(shown === 'online', facts, window, idleSeconds) ? 'idle' : 'online';
}

/** When a person shown in `state` leaves it by themselves (no new facts); Infinity for offline. */
export function liveStateEndsAt(
  state: LiveState,
  facts: ActivityFacts,
  window: PresenceWindow = DEFAULT_WINDOW,
  idleSeconds: number | null = null,
): number {
  if (state === 'offline') return Infinity;
  const present = presentUntil(true, facts, window, idleSeconds);
  return state === 'idle' ? present : Math.min(present, activeUntil(true, facts, window, idleSeconds));
}

/** Whether the pages say more than the activity: a page was open at or after the last activity. */
function pagesCount({ lastSeen, pagesUntil }: ActivityFacts): boolean {
  return pagesUntil !== null && lastSeen !== null && pagesUntil >= lastSeen;
}

function presentUntil(shown: boolean, facts: ActivityFacts, window: PresenceWindow, idle: number | null): number {
  const byWindow = offlineAt(shown, facts.lastSeen, window);
  if (!pagesCount(facts)) return byWindow;
  const byPages = facts.pagesUntil! + (shown ? window.marginSeconds * 1000 : 0);
  // Idle off: a page ends a presence early (leaving) but never makes one last longer than its window.
  return idle === null ? Math.min(byWindow, byPages) : byPages;
}

/** Until when a present person counts as active (online rather than idle): only pages make anyone idle. */
function activeUntil(shown: boolean, facts: ActivityFacts, window: PresenceWindow, idle: number | null): number {
  if (idle === null || !pagesCount(facts)) return Infinity;
  const seconds = Math.max(window.timeoutSeconds, idle) + (shown ? window.marginSeconds : 0);
  return facts.lastSeen! + seconds * 1000;
}
