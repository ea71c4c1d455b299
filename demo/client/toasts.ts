import type { RosterEntry } from '@presence-kit/elements';

/** Several rosters on one page (the gallery) report the same arrival: one toast each. */
const DEDUPE_MS = 1500;

/** A small live log of who came and went (online, or into a room), from `presence-join` / `presence-leave` events. */
export function wireToasts(doc: Document): void {
  const region = doc.createElement('div');
  region.className = 'toasts';
  region.setAttribute('aria-hidden', 'true'); // <online-now> already announces the count to screen readers.
  doc.body.append(region);
  const recent = new Map<string, number>();

  const show = (entry: RosterEntry, joined: boolean, inRoom: boolean) => {
    const key = `${joined ? '+' : '-'}${inRoom ? 'room' : ''}${entry.uid}`;
    const now = Date.now();
    if ((recent.get(key) ?? 0) > now - DEDUPE_MS) return;
    recent.set(key, now);
    const toast = doc.createElement('div');
    toast.className = `toast ${joined ? 'toast--join' : 'toast--leave'}`;
    toast.textContent = inRoom
      ? `${entry.name} ${joined ? 'joined' : 'left'}`
      : `${entry.name} ${joined ? 'came online' : 'went offline'}`;
    region.append(toast);
    while (region.children.length > 4) region.firstElementChild?.remove();
    setTimeout(() => toast.remove(), 4000);
  };
  // On <body>: the events bubble (composed) from every <online-now> and <presence-here> on the page.
  const inRoom = (e: Event) => (e.target as Element).localName === 'presence-here';
  doc.body.addEventListener('presence-join', (e) => show(e.detail, true, inRoom(e)));
  doc.body.addEventListener('presence-leave', (e) => show(e.detail, false, inRoom(e)));
}
