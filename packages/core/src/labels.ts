import { elapsedSince } from './rules.js';

/**
 * What a label shows: online now, idle (present with no interaction; only from a server with
 * idle on), seen before (with a time), or never seen.
 */
export type PresenceState = 'online' | 'idle' | 'away' | 'offline';

export interface PresenceFacts {
  online: boolean;
  /** Epoch ms of the last activity, or null when the user was never seen. */
  lastSeen: number | null;
  /** Present but idle (`UserStatus.idle`); only meaningful with `online`. */
  idle?: boolean | undefined;
}

/** The words around the relative time; swap them to translate the label. */
export interface LabelStrings {
  online: string;
  offline: string;
  /** Prefix for the relative time: `last seen 5m ago`. */
  lastSeen: string;
  /** Used instead of a relative time under one minute. */
  justNow: string;
  /** Present, no interaction for under a minute. Default `idle`. */
  idle?: string;
  /** Prefix for how long someone has been idle: `idle for 12m`. Default `idle for`. */
  idleFor?: string;
}

export const ENGLISH: Readonly<Required<LabelStrings>> = Object.freeze({
  online: 'online',
  offline: 'offline',
  lastSeen: 'last seen',
  justNow: 'just now',
  idle: 'idle',
  idleFor: 'idle for',
});

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MONTH = 30 * DAY;
const YEAR = 365 * DAY;

type Bucket = { unit: Intl.RelativeTimeFormatUnit; size: number; below: number };
// Ordered buckets: an elapsed time uses the first bucket it is below.
const BUCKETS: readonly Bucket[] = [
  { unit: 'minute', size: MINUTE, below: HOUR },
  { unit: 'hour', size: HOUR, below: DAY },
  { unit: 'day', size: DAY, below: MONTH },
  { unit: 'month', size: MONTH, below: YEAR },
  { unit: 'year', size: YEAR, below: Infinity },
];

export function presenceState(facts: PresenceFacts): PresenceState {
  if (facts.online) return facts.idle ? 'idle' : 'online';
  return facts.lastSeen == null ? 'offline' : 'away';
}

const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();
function relativeFormat(locale: string): Intl.RelativeTimeFormat {
  let format = relativeFormats.get(locale);
  if (!format) {
    format = new Intl.RelativeTimeFormat(locale, { style: 'narrow', numeric: 'always' });
    relativeFormats.set(locale, format);
  }
  return format;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(locale: string): Intl.DateTimeFormat {
  let format = dateFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    dateFormats.set(locale, format);
  }
  return format;
}

const durationFormats = new Map<string, Intl.NumberFormat>();
function durationFormat(locale: string, unit: Intl.RelativeTimeFormatUnit): Intl.NumberFormat {
  const key = `${locale}\0${unit}`;
  let format = durationFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'narrow' });
    durationFormats.set(key, format);
  }
  return format;
}

/** `12m`, `3h`, `2d`…: how long since `since`, in the same buckets as `relativeTime`; null under a minute. */
export function elapsedDuration(since: number, now: number, locale = 'en'): string | null {
  const elapsed = elapsedSince(since, now);
  if (elapsed < MINUTE) return null;
  const bucket = BUCKETS.find((b) => elapsed < b.below) ?? BUCKETS[BUCKETS.length - 1]!;
  return durationFormat(locale, bucket.unit).format(Math.floor(elapsed / bucket.size));
}

/** `just now`, `5m ago`, `3h ago`, `2d ago`…, bucketed and never in the future. */
export function relativeTime(lastSeen: number, now: number, locale = 'en', strings: LabelStrings = ENGLISH): string {
  const elapsed = elapsedSince(lastSeen, now);
  if (elapsed < MINUTE) return strings.justNow;
  const bucket = BUCKETS.find((b) => elapsed < b.below) ?? BUCKETS[BUCKETS.length - 1]!;
  return relativeFormat(locale).format(-Math.floor(elapsed / bucket.size), bucket.unit);
}

/** The short label: `online`, `idle` / `idle for 12m`, `last seen 5m ago`, or `offline` when never seen. */
export function presenceLabel(
  facts: PresenceFacts,
  now: number,
  locale = 'en',
  strings: LabelStrings = ENGLISH,
): string {
  if (facts.online && facts.idle) {
    const idleFor = facts.lastSeen == null ? null : elapsedDuration(facts.lastSeen, now, locale);
    return idleFor === null ? (strings.idle ?? ENGLISH.idle) : `${strings.idleFor ?? ENGLISH.idleFor} ${idleFor}`;
  }
  if (facts.online) return strings.online;
  if (facts.lastSeen == null) return strings.offline;
  return `${strings.lastSeen} ${relativeTime(facts.lastSeen, now, locale, strings)}`;
}

/** The exact time of a last activity, for hover text and descriptions: `23 Nov 2026, 14:05` (in `locale`). */
export function exactTime(lastSeen: number, locale = 'en'): string {
  return dateFormat(locale).format(lastSeen);
}

/**
 * The hover text: the label's own words, then the exact time when there is one —
 * `last seen 5m ago (23 Nov 2026, 14:05)`, `idle for 12m (23 Nov 2026, 14:05)` — so what
 * a pointer shows, what a screen reader hears and what the label says never disagree.
 */
export function presenceTitle(
  facts: PresenceFacts,
  now: number,
  locale = 'en',
  strings: LabelStrings = ENGLISH,
): string {
  const label = presenceLabel(facts, now, locale, strings);
  if ((facts.online && !facts.idle) || facts.lastSeen == null) return label;
  return `${label} (${exactTime(facts.lastSeen, locale)})`;
}

/**
 * Milliseconds until `relativeTime` would print something else, so one shared timer
 * can sleep exactly that long: 1 min while in minutes, 1 h while in hours, and so on.
 */
export function msUntilLabelChanges(lastSeen: number, now: number): number {
  const elapsed = elapsedSince(lastSeen, now);
  if (elapsed < MINUTE) return MINUTE - elapsed;
  const bucket = BUCKETS.find((b) => elapsed < b.below) ?? BUCKETS[BUCKETS.length - 1]!;
  return bucket.size - (elapsed % bucket.size);
}

/** Who is typing, in a room's words: `Alice is typing…`, `Alice and Bob are typing…`, `3 people are typing…`. */
export function typingLabel(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

/** A room's count in words, for its bar's accessible name: `1 person here`, `3 people here`. */
export function hereLabel(count: number): string {
  return count === 1 ? '1 person here' : `${count} people here`;
}
