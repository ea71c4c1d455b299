import {
  DEFAULT_WINDOW,
  formatWindow,
  isOnline as isOnlineAt,
  parseTimestamp,
  presenceLabel,
  type PresenceWindow,
  type Roster,
  type UserStatus,
} from '@presence-kit/core';
import { attributesHtml, escapeHtml, type HtmlAttributes } from './html.js';

/** A user row as the host loaded it: whatever columns, with `last_seen` (or a mapped name). */
export type UserRow = Record<string, unknown>;

export interface RowReading {
  /** Column holding the last activity. Default `last_seen`. */
  lastSeen?: string;
  /** Column holding the hide-my-status flag, if any. Default `hidden`. */
  hidden?: string;
}

/**
 * A row's status by the quick-on rule alone; hidden users read as never seen. Internal:
 * `presence.statusOf(row)` adds the relay's hysteresis, which is what hosts should show.
 */
export function statusOfRow(
  row: UserRow,
  now: number = Date.now(),
  window: PresenceWindow = DEFAULT_WINDOW,
  reading: RowReading = {},
): UserStatus {
  if (row[reading.hidden ?? 'hidden']) return { online: false, last_seen: null };
  const lastSeen = parseTimestamp(row[reading.lastSeen ?? 'last_seen'] as string | number | null | undefined);
  return { online: isOnlineAt(lastSeen, now, window.timeoutSeconds), last_seen: lastSeen };
}

/** What the kit writes on a dot or a status from the server's state; hosts' `attributes` may not repeat them. */
const STATUS_ATTRIBUTES = ['uid', 'last-seen', 'online', 'idle', 'server-now', 'server-window'];

/**
 * What a server states in the elements it renders, so their first paint trusts neither
 * the device clock nor page configuration: its clock when rendering and its window.
 * They become `server-now="…"` and `server-window="60 20"`.
 */
export interface ServerFacts {
  now: number;
  window: PresenceWindow;
}

function statusAttributes(uid: string, status: UserStatus, server: ServerFacts | undefined): string {
  const lastSeen = status.last_seen === null ? '' : ` last-seen="${status.last_seen}"`;
  const stated = server ? ` server-now="${server.now}" server-window="${formatWindow(server.window)}"` : '';
  const state = status.online ? (status.idle ? ' online idle' : ' online') : '';
  return `uid="${escapeHtml(uid)}"${lastSeen}${state}${stated}`;
}

/**
 * `<presence-dot>` around the avatar markup you pass (trusted HTML, e.g. your `<img>`),
 * with the state already in its attributes so it is right before any JS runs, then the
 * host's own `attributes` (escaped).
 */
export function renderDot(
  uid: string,
  status: UserStatus,
  avatarHtml = '',
  attributes?: HtmlAttributes,
  server?: ServerFacts,
): string {
  return `<presence-dot ${statusAttributes(uid, status, server)}${attributesHtml(attributes, STATUS_ATTRIBUTES)}>${avatarHtml}</presence-dot>`;
}

/** `<presence-status>` with the label text inside (as of `now`), readable with no JS at all. */
export function renderStatus(
  uid: string,
  status: UserStatus,
  now: number = Date.now(),
  locale = 'en',
  attributes?: HtmlAttributes,
  server?: ServerFacts,
): string {
  const label = presenceLabel({ online: status.online, idle: status.idle, lastSeen: status.last_seen }, now, locale);
  return `<presence-status ${statusAttributes(uid, status, server)}${attributesHtml(attributes, STATUS_ATTRIBUTES)}>${escapeHtml(label)}</presence-status>`;
}

/**
 * `<online-now>` with the initial roster as inert JSON inside, so it renders at once
 * and the stream only has to send changes. `<` is escaped so no name can close the script.
 * With a `max` attribute only that window goes in (and the count), as the stream sends it.
 */
export function renderRoster(roster: Roster, now: number = Date.now(), attributes?: HtmlAttributes): string {
  const max = Number(attributes?.max);
  const users = Number.isInteger(max) && max >= 1 ? roster.users.slice(0, max) : roster.users;
  const json = JSON.stringify({ t: now, count: roster.count, users }).replace(/</g, '\\u003c');
  return `<online-now${attributesHtml(attributes)}><script type="application/json">${json}</script></online-now>`;
}
