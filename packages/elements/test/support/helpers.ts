// Counts every EventSource the page opens: imported first, so installed before any store exists.
import '../../../../test/support/event-source-counter.js';
import { executeServerCommand } from '@web/test-runner-commands';
import type { RosterEntry } from '@presence-kit/core';
import { fixture, html } from '@open-wc/testing';
import { configurePresence, type PresenceDot, type PresenceTyping } from '../../src/index.js';

// Single-page behaviour is tested on the page's own connection, where the counter sees its
// EventSource; the shared paths (worker, leader) have their own tests, here and in test/e2e.
configurePresence({ transport: 'tab' });

export { eventually } from '../../../../test/support/wait.js';

/** Every EventSource the page opened, in order. */
export const eventSources: EventSource[] = window.__eventSources.sources;

/** EventSources the page still holds open (or is connecting). */
export function openEventSources(): EventSource[] {
  return eventSources.filter((source) => source.readyState !== EventSource.CLOSED);
}

export const ENDPOINT = '/presence';

export interface ServerStats {
  connections: number;
  watchedUids: number;
}

/**
 * The real presence server mounted in the test runner, driven by its server commands
 * (defined in ./presence-server.mjs: a new command goes there and here).
 */
export const server = {
  reset: (
    options: {
      timeoutSeconds?: number;
      marginSeconds?: number;
      roomGraceSeconds?: number;
      typingSeconds?: number;
      authorizeRoomDenies?: string;
      writeSeconds?: number;
      idle?: boolean;
      idleSeconds?: number;
    } = {},
  ) => executeServerCommand<boolean, typeof options>('presence:reset', options),
  touch: (uid: string, profile: { name?: string; avatar?: string | null } = {}) =>
    executeServerCommand<boolean, { uid: string; name?: string; avatar?: string | null }>('presence:touch', {
      uid,
      ...profile,
    }),
  /** Whose activity the page's requests and reports are from now on (the host's `resolveUser`). */
  signIn: (uid: string | null) => executeServerCommand<boolean, { uid: string | null }>('presence:sign-in', { uid }),
  /** Someone else's page open without interaction (their presence stream), until `closePage`. */
  openPage: (uid: string) => executeServerCommand<boolean, { uid: string }>('presence:open-page', { uid }),
  closePage: (uid: string) => executeServerCommand<boolean, { uid: string }>('presence:close-page', { uid }),
  /** `/activity` answers 404 from now on (until the next reset), as a server older than page reports does. */
  withoutActivityRoute: () => executeServerCommand<boolean, undefined>('presence:without-activity-route'),
  lastSeen: async (uid: string) =>
    (await executeServerCommand<{ lastSeen: number | null }, { uid: string }>('presence:last-seen', { uid })).lastSeen,
  user: (profile: { uid: string; name?: string; avatar?: string | null }) =>
    executeServerCommand<boolean, typeof profile>('presence:user', profile),
  /** Moves the server's clock forward. */
  advance: (seconds: number) => executeServerCommand<number, { seconds: number }>('presence:advance', { seconds }),
  tick: () => executeServerCommand<{ changed: string[]; rosterChanged: boolean }, undefined>('presence:tick'),
  now: () => executeServerCommand<number, undefined>('presence:now'),
  stats: () => executeServerCommand<ServerStats, undefined>('presence:stats'),
  /** What the streams sent (body bytes) and how many were opened, since the last reset. */
  traffic: (reset = false) =>
    executeServerCommand<{ streams: number; bytes: number; subscribes: number; reports: number }, { reset: boolean }>(
      'presence:traffic',
      { reset },
    ),
  down: () => executeServerCommand<boolean, undefined>('presence:down'),
  /** Subscribe requests get no answer until `releaseSubscribes` (a stalled proxy or network). */
  holdSubscribes: () => executeServerCommand<boolean, undefined>('presence:hold-subscribes'),
  /** The next `count` subscribe requests answer 503 `unavailable`. */
  busySubscribes: (count: number) =>
    executeServerCommand<boolean, { count: number }>('presence:busy-subscribes', { count }),
  heldSubscribes: () => executeServerCommand<number, undefined>('presence:held-subscribes'),
  releaseSubscribes: () => executeServerCommand<number, undefined>('presence:release-subscribes'),
  up: () => executeServerCommand<boolean, undefined>('presence:up'),
  /** Another person enters `room` on a session of their own; resolves with the subscribe's status. */
  enterAs: (uid: string, room: string) =>
    executeServerCommand<number, { uid: string; room: string }>('presence:enter-as', { uid, room }),
  /** That person's page closes. */
  leaveAs: (uid: string) => executeServerCommand<boolean, { uid: string }>('presence:leave-as', { uid }),
  roomStateAs: (uid: string, room: string, state: object | null) =>
    executeServerCommand<number, { uid: string; room: string; state: object | null }>('presence:room-state-as', {
      uid,
      room,
      state,
    }),
  typingAs: (uid: string, room: string, typing: boolean) =>
    executeServerCommand<number, { uid: string; room: string; typing: boolean }>('presence:typing-as', {
      uid,
      room,
      typing,
    }),
  /** One rooms tick now (the server's own timer ticks too, once a second). */
  roomTick: () => executeServerCommand<number, undefined>('presence:room-tick'),
  roomMembers: (room: string) =>
    executeServerCommand<{ count: number; users: { uid: string; state: object | null }[] }, { room: string }>(
      'presence:room-members',
      { room },
    ),
  restart: (advanceSeconds = 0) =>
    executeServerCommand<boolean, { advanceSeconds: number }>('presence:restart', { advanceSeconds }),
};

/** The page's signed-in user from now on (the cookie the test server's `resolveUser` reads); null signs out. */
export function signIn(uid: string | null): void {
  document.cookie = uid === null ? 'presence-test-user=; max-age=0; path=/' : `presence-test-user=${uid}; path=/`;
}

export function dotOf(element: PresenceDot): HTMLElement | null {
  return element.shadowRoot!.querySelector<HTMLElement>('[part~="dot"]');
}

/** The stream has caught up: every watched uid is vouched for by the open stream. */
export function allLive(elements: Iterable<{ status: { live: boolean } }>): boolean {
  return [...elements].every((element) => element.status.live);
}

export function names(entries: readonly RosterEntry[]): string[] {
  return entries.map((entry) => entry.name);
}

/** A room's bar (which enters the page into it) and its typing line, as a page shows them; resolves with the typing line. */
export async function roomWithTyping(room: string): Promise<PresenceTyping> {
  const div = await fixture(
    html`<div>
      <presence-here endpoint=${ENDPOINT} room=${room}></presence-here
      ><presence-typing endpoint=${ENDPOINT} room=${room}></presence-typing>
    </div>`,
  );
  return div.querySelector('presence-typing')!;
}
