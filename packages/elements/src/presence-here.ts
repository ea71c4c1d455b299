import { html, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { hereLabel, type RosterEntry, type RoomView } from '@presence-kit/core';
import { defineOnce } from './define-once.js';
import { OnlineNow } from './online-now.js';
import { onlineNowStyles } from './online-now.styles.js';
import { presenceHereStyles } from './presence-here.styles.js';
import type { RosterSource } from './presence-controller.js';
import { RoomController } from './room-controller.js';

/** A member's `color` state, if it is one CSS can take as it is (a hex colour or a colour name). */
const COLOR = /^(#[0-9a-f]{3,8}|[a-z]{3,20})$/i;

/**
 * Who is in a room now (`doc:42`): the avatar bar of `<online-now>`, for one room. Being on the
 * page puts the page's signed-in user in the room (several tabs or devices: one avatar); they
 * leave after the server's grace once their last page there is gone, so a reload never shows a
 * leave. The page's own avatar is marked (`part="item me"`), and only others fire join and
 * leave events. A member whose state has a `color` gets it as `--presence-member-color` (the
 * avatar's ring). Renders the list the server put inside it (`presence.renderHere`) before the
 * stream connects. When the server refuses the room, it shows nothing and the console says why.
 *
 * ```html
 * <presence-here room="doc:42" max="12"></presence-here>
 * ```
 *
 * @tagname presence-here
 * @summary Avatars of everyone in a room now, live, with a count and an overflow.
 *
 * @slot empty - Shown when nobody is in the room. Default: "Nobody is here".
 *
 * @csspart base - The whole element (a group named by `label`).
 * @csspart header - The row with the label and the count.
 * @csspart label - The heading text ("Here now").
 * @csspart toggle - The "Names" button (only with `names-toggle`).
 * @csspart names - The list of names it opens.
 * @csspart count - The number of people in the room.
 * @csspart list - The list of avatars.
 * @csspart item - One person; the page's own user's is also `me`.
 * @csspart me - The page's own user's item.
 * @csspart avatar - The avatar image, or the initials.
 * @csspart dot - The plain green dot on each avatar.
 * @csspart overflow - The `+N` chip when more people are here than `max`.
 * @csspart empty - The default empty-state text.
 *
 * @cssproperty --presence-avatar-size - Default 32px.
 * @cssproperty --presence-avatar-gap - Default 6px.
 * @cssproperty --presence-avatar-radius - Default 50%.
 * @cssproperty --presence-avatar-background - Behind initials and the overflow chip.
 * @cssproperty --presence-avatar-color - Initials and overflow text.
 * @cssproperty --presence-online-color - The dots.
 * @cssproperty --presence-ring-color - Ring around the dots.
 * @cssproperty --presence-ring-width - Default 2px.
 * @cssproperty --presence-muted-color - Count and empty-state text.
 * @cssproperty --presence-member-color - Set per member from their state's `color`: the avatar's outline.
 * @cssproperty --presence-transition-duration - Enter/leave animation. Default 200ms (none under reduced motion).
 *
 * @event {PresenceJoinEvent} presence-join - Someone else entered the room: `event.entry` is `{ uid, name, avatar, last_seen }` (`last_seen`: when they entered).
 * @event {PresenceLeaveEvent} presence-leave - Someone else left the room (after the grace).
 */
export class PresenceHere extends OnlineNow {
  static override styles = [...onlineNowStyles, presenceHereStyles];

  /** The room: `doc:42` (1-128 letters, digits or `_ . : @ -`). */
  @property({ reflect: true }) room: string | null = null;

  constructor() {
    super();
    this.label = 'Here now';
    this.max = 12;
  }

  static override define(tag = 'presence-here', registry: CustomElementRegistry = customElements): void {
    defineOnce(tag, this, registry);
  }

  protected override rosterSource(): RosterSource {
    return new RoomController(this, {
      room: () => this.room,
      endpoint: () => this.endpoint,
      max: () => (this.max > 0 ? Math.floor(this.max) : 0),
    });
  }

  /** The room as the page holds it: its members (the window), count, typing and the page's own user. */
  get view(): RoomView | null {
    return (this.rosterController as RoomController).view;
  }

  protected override isOwn(uid: string): boolean {
    return uid === this.view?.me;
  }

  protected override countWords(count: number, more: boolean): string {
    return more ? `${count} more here` : hereLabel(count);
  }

  protected override get emptyText(): string {
    return 'Nobody is here';
  }

  protected override itemStyle(entry: RosterEntry): string | typeof nothing {
    const color = this.view?.members.find((member) => member.uid === entry.uid)?.state?.color;
    return typeof color === 'string' && COLOR.test(color) ? `--presence-member-color: ${color}` : nothing;
  }

  protected override render(): TemplateResult {
    // Refused, or a name the rule refuses: nothing (the console says why, once), never "Nobody is here".
    const room = this.rosterController as RoomController;
    return room.refused || room.invalid ? html`` : super.render();
  }
}
