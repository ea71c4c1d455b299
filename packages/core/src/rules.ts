/**
 * The presence rules: one `last_seen` per user, online inside a short
 * window, quick on / slow off. All times are epoch milliseconds; windows are seconds.
 */

export interface PresenceWindow {
  /** A user is online while `now - lastSeen < timeoutSeconds`. Default 60. */
  timeoutSeconds: number;
  /** A user already shown online stays online for this much longer. Default 20. */
  marginSeconds: number;
}

export const DEFAULT_TIMEOUT_SECONDS = 60;
export const DEFAULT_MARGIN_SECONDS = 20;
export const DEFAULT_WINDOW: Readonly<PresenceWindow> = Object.freeze({
  timeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
  marginSeconds: DEFAULT_MARGIN_SECONDS,
});

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

/** Quick on: online as soon as the last activity is inside the window. */
export function isOnline(
  lastSeen: number | null | undefined,
  now: number,
  timeoutSeconds: number = DEFAULT_TIMEOUT_SECONDS,
): boolean {
  if (lastSeen == null || !Number.isFinite(lastSeen)) return false;
  return elapsedSince(lastSeen, now) < timeoutSeconds * 1000;
}

/**
 * Slow off: someone already shown online stays online until the window plus the
 * margin has passed. This is the rule that stops dots flickering at the boundary.
 */
export function staysOnline(
  wasOnline: boolean,
  lastSeen: number | null | undefined,
  now: number,
  window: PresenceWindow = DEFAULT_WINDOW,
): boolean {
  if (!wasOnline) return isOnline(lastSeen, now, window.timeoutSeconds);
  return isOnline(lastSeen, now, window.timeoutSeconds + window.marginSeconds);
}

/** Oldest `last_seen` that can still be online under hysteresis: the relay's one indexed range. */
export function candidateCutoff(now: number, window: PresenceWindow = DEFAULT_WINDOW): number {
  return now - (window.timeoutSeconds + window.marginSeconds) * 1000;
}

/** The write throttle: write when nothing was written yet or the last write is a full period old. */
export function shouldWrite(lastWrite: number | undefined, now: number, writeSeconds: number): boolean {
  if (lastWrite === undefined) return true;
  // A clock that went backwards must not silence a user until it catches up again.
  if (now < lastWrite) return true;
  return now - lastWrite >= writeSeconds * 1000;
}

/**
 * Reads a positive number of seconds from configuration text (env vars, attributes).
 * Anything missing or invalid falls back to the default instead of throwing.
 */
export function parseSeconds(value: string | number | null | undefined, fallback: number): number {
  if (value == null || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}
