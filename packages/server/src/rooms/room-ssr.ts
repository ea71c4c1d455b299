import type { RoomResponse } from '@presence-kit/core';
import { attributesHtml, type HtmlAttributes } from '../html.js';

/**
 * `<presence-here>` with who is in the room now as inert JSON inside (as `renderRoster` does for
 * `<online-now>`), so the bar paints before the stream connects. With `max`, only that window
 * goes in, and the count. `<` is escaped so no name can close the script.
 */
export function renderHere(members: RoomResponse, attributes?: HtmlAttributes): string {
  const max = Number(attributes?.max);
  const all = Number.isInteger(max) && max >= 1 ? members.users.slice(0, max) : members.users;
  // The roster's entry shape (as `renderRoster` writes it), `last_seen` being when they entered.
  const users = all.map(({ uid, name, avatar, since }) => ({ uid, name, avatar, last_seen: since }));
  const json = JSON.stringify({ t: members.t, count: members.count, users }).replace(/</g, '\\u003c');
  return `<presence-here room="${members.room}"${attributesHtml(attributes, ['room'])}><script type="application/json">${json}</script></presence-here>`;
}
