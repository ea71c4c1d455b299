import { parsePosition, type PresenceWindow, type Roster, type Uid, type UserStatus } from '@presence-kit/core';
import { ResumePoint, type ResumeState } from './resume-point.js';
import type { StatusList, TransportEvent } from './transport.js';

/** What one page leaves for the next page of the same tab, per endpoint. */
export interface SavedPresence {
  /** `epoch:seq` of the last frame this page saw: the next one subscribes with it as `since`. */
  position: string;
  /** Server time when it was saved: the stream vouched for these statuses until then. */
  at: number;
  window: PresenceWindow;
  statuses: StatusList;
  roster: Roster | null;
}

const KEY = 'presence-kit:';
/** Past this many uids a page's cache is not worth a synchronous write at unload. */
const MAX_SAVED = 5000;

/**
 * The tab's memory of what the stream last said, kept in sessionStorage, so the next page of
 * a multi-page site paints presence at once and subscribes with `known` + `since` (the
 * server then sends only what flipped meanwhile). It follows this page's events, and is
 * written when the page is hidden or unloads, not on every frame.
 */
export class ResumeCache {
  readonly #key: string;
  readonly #point = new ResumePoint();
  #window: PresenceWindow | null = null;
  #roster: Roster | null = null;

  constructor(endpoint: string) {
    this.#key = KEY + endpoint;
  }

  /** What the previous page saved (once: it is this page's from now on). */
  load(): SavedPresence | null {
    const saved = read(this.#key);
    if (!saved) return null;
    this.#point.position = saved.position;
    this.#window = saved.window;
    this.#roster = saved.roster;
    for (const [uid, status] of saved.statuses) this.#point.statuses.set(uid, status);
    return saved;
  }

  /** The part a connection resumes from: statuses as of `position`. */
  resumeState(): ResumeState | null {
    return this.#point.resumeState();
  }

  /** Follows one event; `wanted` is what the page watches now. */
  observe(event: TransportEvent, wanted: ReadonlySet<Uid>): void {
    if (event.type === 'snapshot' || event.type === 'presence') {
      for (const [uid, status] of event.users) this.#point.statuses.set(uid, status);
      if (event.type === 'snapshot') this.#window = event.window;
    } else if (event.type === 'roster') this.#roster = event.roster;
    if ('position' in event) this.#point.advance(event.position, wanted);
  }

  forget(uids: readonly Uid[], roster: boolean): void {
    for (const uid of uids) this.#point.statuses.delete(uid);
    if (!roster) this.#roster = null;
  }

  save(now: number): void {
    const { position, statuses } = this.#point;
    if (position === null || !this.#window || statuses.size > MAX_SAVED) return;
    const saved: SavedPresence = {
      position,
      at: now,
      window: this.#window,
      statuses: [...statuses],
      roster: this.#roster,
    };
    try {
      sessionStorage.setItem(this.#key, JSON.stringify(saved));
    } catch {
      // Storage full or disabled (private modes): the next page simply starts from a full snapshot.
    }
  }
}

function read(key: string): SavedPresence | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(key) ?? 'null') as Partial<SavedPresence> | null;
    if (!value || !parsePosition(value.position) || typeof value.at !== 'number' || !Array.isArray(value.statuses))
      return null;
    const statuses = value.statuses.filter(
      (pair): pair is [Uid, UserStatus] =>
        Array.isArray(pair) &&
        typeof pair[0] === 'string' &&
        typeof pair[1]?.online === 'boolean' &&
        (typeof pair[1].last_seen === 'number' || pair[1].last_seen === null),
    );
    const window = value.window;
    if (typeof window?.timeoutSeconds !== 'number' || typeof window.marginSeconds !== 'number') return null;
    const roster =
      value.roster && Array.isArray(value.roster.users) && typeof value.roster.count === 'number' ? value.roster : null;
    return { position: value.position!, at: value.at, window, statuses, roster };
  } catch {
    return null;
  }
}
