/**
 * The presence window (seed 000): how long after the last activity someone is online,
 * and how much longer once they are shown online. It has one owner: the server reads
 * its options through `parseWindow` and states the result in every snapshot and in
 * server-rendered markup (`formatWindow`); browsers read it back with `parseWindow`.
 */
export interface PresenceWindow {
  /** A user is online while `now - lastSeen < timeoutSeconds`. Always > 0. Default 60. */
  timeoutSeconds: number;
  /** A user already shown online stays online for this much longer. Always >= 0. Default 20. */
  marginSeconds: number;
}

export const DEFAULT_TIMEOUT_SECONDS = 60;
export const DEFAULT_MARGIN_SECONDS = 20;
export const DEFAULT_WINDOW: Readonly<PresenceWindow> = Object.freeze({
  timeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
  marginSeconds: DEFAULT_MARGIN_SECONDS,
});

/** Where a window comes from: `"60 20"` text (markup, meta tags) or the two values (options, env vars, JSON). */
export type WindowInput = string | { timeoutSeconds?: unknown; marginSeconds?: unknown } | null | undefined;

/**
 * The one window parser: a timeout must be a number of seconds > 0, a margin >= 0 (a
 * margin of 0 is a real choice: no hysteresis). Each value that is missing or invalid
 * falls back to `fallback`'s, instead of throwing.
 */
export function parseWindow(input: WindowInput, fallback: Readonly<PresenceWindow> = DEFAULT_WINDOW): PresenceWindow {
  const [timeout, margin] =
    typeof input === 'string' ? input.trim().split(/[\s,]+/) : [input?.timeoutSeconds, input?.marginSeconds];
  return {
    timeoutSeconds: seconds(timeout, (n) => n > 0) ?? fallback.timeoutSeconds,
    marginSeconds: seconds(margin, (n) => n >= 0) ?? fallback.marginSeconds,
  };
}

/** `"60 20"`: the window as markup carries it, read back by `parseWindow`. */
export function formatWindow(window: PresenceWindow): string {
  return `${window.timeoutSeconds} ${window.marginSeconds}`;
}

function seconds(value: unknown, valid: (n: number) => boolean): number | undefined {
  if (typeof value !== 'number' && (typeof value !== 'string' || value.trim() === '')) return undefined;
  const n = Number(value);
  return Number.isFinite(n) && valid(n) ? n : undefined;
}
