import { escapeHtml } from '@presence-kit/server';
import { initials, type DemoUser } from './users.js';

/**
 * An initials avatar as SVG, generated here because the demo runs offline.
 * Square with no rounding: the page decides the shape, so one image serves every size.
 */
export function avatarSvg(user: Pick<DemoUser, 'uid' | 'name' | 'colors'>): string {
  const [from, to] = user.colors;
  const id = `g-${user.uid.replace(/[^a-z0-9]/gi, '')}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96" role="img" aria-label="${escapeHtml(user.name)}">
<defs><linearGradient id="${id}" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs>
<rect width="96" height="96" fill="url(#${id})"/>
<text x="48" y="50" dy=".35em" text-anchor="middle" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="38" font-weight="600" fill="#fff" letter-spacing="1">${escapeHtml(initials(user.name))}</text>
</svg>`;
}

/** A neutral avatar for uids outside the cast (e.g. gallery examples). */
export const placeholderUser = (uid: string) => ({ uid, name: uid, colors: ['#94a3b8', '#475569'] as const });
