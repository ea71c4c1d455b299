import type { HtmlAttributes, Presence, PresenceUser, UserRow } from '@presence-kit/server';
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
  rows: Map<string, PresenceUser>;
  /**
   * Set on pages whose `<head>` names no endpoint (the gallery, so its frozen examples
   * stay static): live elements then carry the endpoint themselves.
   */
  endpointAttribute?: string;
}

/** What a kit-rendered live element carries: the endpoint itself when the page has no meta endpoint. */
export function liveAttributes(view: View): HtmlAttributes {
  return view.endpointAttribute ? { endpoint: view.endpointAttribute } : {};
}

export function loadRows(presence: Presence): Map<string, PresenceUser> {
  return presence.users(USERS.map((u) => u.uid));
}

/** The row the kit's SSR helpers read: the stored one, or a user never seen. */
export function rowOf(view: View, uid: string): UserRow {
  return view.rows.get(uid) ?? { uid, last_seen: null };
}

export interface AvatarOptions {
  size: number;
  shape?: 'circle' | 'rounded' | 'square';
  className?: string;
  /** The person's name is written right beside it: an empty alt, so it is not read twice. */
  decorative?: boolean;
}

export function avatarImg(
  uid: string,
  { size, shape = 'circle', className = '', decorative = false }: AvatarOptions,
): Safe {
  const name = decorative ? '' : (findUser(uid)?.name ?? uid);
  return html`<img
    class="avatar avatar--${shape} ${className}"
    src="${avatarUrl(uid)}"
    width="${size}"
    height="${size}"
    alt="${name}"
    loading="lazy"
    decoding="async"
  />`;
}

/** An avatar with its presence dot, rendered by the kit so it is right before any JS runs. */
export function avatar(view: View, uid: string, options: AvatarOptions): Safe {
  return raw(view.presence.renderDot(rowOf(view, uid), avatarImg(uid, options).value, liveAttributes(view)));
}

/** The `online` / `last seen …` / `offline` label, rendered by the kit. */
export function statusLabel(view: View, uid: string): Safe {
  return raw(view.presence.renderStatus(rowOf(view, uid), undefined, liveAttributes(view)));
}

/**
 * An avatar that links to the profile for pointer users only: the name beside it is the
 * same link, so this one is no second tab stop and nothing a screen reader reads twice.
 */
export function avatarLink(uid: string, content: Safe): Safe {
  return html`<a class="user-link" href="/u/${uid}" tabindex="-1" aria-hidden="true">${content}</a>`;
}
