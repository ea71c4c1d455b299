import type { Presence, StoredUser, UserRow } from '@presence-kit/server';
import { html, raw, type Safe } from './html.js';
import { USERS, avatarUrl, findUser, type DemoUser } from './users.js';

export type Theme = 'light' | 'dark' | null;

/** What every page needs to render: who is looking, and the presence rows it already loaded. */
export interface View {
  presence: Presence;
  me: DemoUser | undefined;
  path: string;
  theme: Theme;
  /** The cast's stored presence facts, loaded once per page with one query. */
  rows: Map<string, StoredUser>;
  /**
   * Set on pages whose `<head>` names no endpoint (the gallery, so its frozen examples
   * stay static): live elements then carry the endpoint themselves.
   */
  endpointAttribute?: string;
}

/** Adds `endpoint="…"` to a kit-rendered element when the page has no meta endpoint. */
function withEndpoint(view: View, markup: string): Safe {
  if (!view.endpointAttribute) return raw(markup);
  return raw(markup.replace(/^<(presence-[a-z]+) /, `<$1 endpoint="${view.endpointAttribute}" `));
}

export function loadRows(presence: Presence): Map<string, StoredUser> {
  return presence.store.users(USERS.map((u) => u.uid));
}

/** The row shape the kit's SSR helpers read (`uid`, `last_seen`, `hidden`). */
export function rowOf(view: View, uid: string): UserRow {
  const stored = view.rows.get(uid);
  return { uid, last_seen: stored?.lastSeen ?? null, hidden: stored?.hidden ?? false };
}

export interface AvatarOptions {
  size: number;
  shape?: 'circle' | 'rounded' | 'square';
  className?: string;
  /** The person's name is written right beside it: an empty alt, so it is not read twice. */
  decorative?: boolean;
}

export function avatarImg(uid: string, { size, shape = 'circle', className = '', decorative = false }: AvatarOptions): Safe {
  const name = decorative ? '' : (findUser(uid)?.name ?? uid);
  return html`<img class="avatar avatar--${shape} ${className}" src="${avatarUrl(uid)}" width="${size}" height="${size}" alt="${name}" loading="lazy" decoding="async">`;
}

/** An avatar with its presence dot, rendered by the kit so it is right before any JS runs. */
export function avatar(view: View, uid: string, options: AvatarOptions): Safe {
  return withEndpoint(view, view.presence.renderDot(rowOf(view, uid), avatarImg(uid, options).value));
}

/** The `online` / `last seen …` / `offline` label, rendered by the kit. */
export function statusLabel(view: View, uid: string): Safe {
  return withEndpoint(view, view.presence.renderStatus(rowOf(view, uid)));
}

/**
 * An avatar that links to the profile for pointer users only: the name beside it is the
 * same link, so this one is no second tab stop and nothing a screen reader reads twice.
 */
export function avatarLink(uid: string, content: Safe): Safe {
  return html`<a class="user-link" href="/u/${uid}" tabindex="-1" aria-hidden="true">${content}</a>`;
}
