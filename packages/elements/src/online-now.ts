import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { compareRosterEntries, type Roster, type RosterEntry } from '@presence-kit/core';
import { CountAnnouncer } from './count-announcer.js';
import { defineOnce } from './define-once.js';
import { PresenceJoinEvent, PresenceLeaveEvent, type PresenceRosterEvent } from './events.js';
import { onlineNowStyles } from './online-now.styles.js';
import { RosterController, type RosterSource } from './presence-controller.js';
import { initialRoster, readRoster } from './roster-data.js';
import { RosterMotion } from './roster-motion.js';
import { diffRoster } from './roster-diff.js';
import { initials, safeImageUrl } from './safe-url.js';

/**
 * Everyone online now: avatars in alphabetical order (so positions stay stable) with
 * a live count. It renders the roster the server put inside it before the stream
 * connects, then follows the page's one presence stream. With a server that tells idle
 * from online, idle people are shown dimmed with a half-filled amber dot and "(idle)" in
 * their name, or left out with `hide-idle` (the count then leaves out the idle people it holds).
 *
 * ```html
 * <online-now max="12">
 *   <script type="application/json">{"t":0,"count":1,"users":[{"uid":"7","name":"Alice","avatar":"/a/7.png","last_seen":0}]}</script>
 * </online-now>
 * ```
 *
 * @tagname online-now
 * @summary Avatars of everyone online, live, with a count and an overflow.
 *
 * @slot empty - Shown when nobody is online. Default: "Nobody is online right now".
 *
 * @csspart base - The whole element (a group named by `label`).
 * @csspart header - The row with the label, the count and the names button.
 * @csspart label - The heading text ("Online now").
 * @csspart toggle - The "Names" button (only with `names-toggle`).
 * @csspart names - The list of names it opens.
 * @csspart count - The number of people online.
 * @csspart list - The list of avatars.
 * @csspart item - One person (avatar and dot); the name is the avatar's alternative text and hover title. An idle person's item has the class `idle`.
 * @csspart avatar - The avatar image, or the initials when there is no usable image.
 * @csspart dot - The plain green dot on each avatar (an idle person's: a half-filled amber ring).
 * @csspart overflow - The `+N` chip when more people are online than `max`.
 * @csspart empty - The default empty-state text.
 *
 * @cssproperty --presence-avatar-size - Default 32px.
 * @cssproperty --presence-avatar-gap - Default 6px.
 * @cssproperty --presence-avatar-radius - Default 50%.
 * @cssproperty --presence-avatar-background - Behind initials and the overflow chip.
 * @cssproperty --presence-avatar-color - Initials and overflow text.
 * @cssproperty --presence-online-color - The dots.
 * @cssproperty --presence-idle-color - An idle person's dot. Default #9a6700 (dark: #d29922).
 * @cssproperty --presence-ring-color - Ring around the dots.
 * @cssproperty --presence-ring-width - Default 2px.
 * @cssproperty --presence-muted-color - Count and empty-state text.
 * @cssproperty --presence-transition-duration - Enter/leave animation. Default 200ms (none under reduced motion).
 *
 * @event {PresenceJoinEvent} presence-join - Someone came online: `event.entry` (also `event.detail`) is `{ uid, name, avatar, last_seen }`.
 * @event {PresenceLeaveEvent} presence-leave - Someone went offline: `event.entry` (also `event.detail`) is `{ uid, name, avatar, last_seen }`.
 */
export class OnlineNow extends LitElement {
  static override styles = onlineNowStyles;

  /** The presence endpoint; default: `<meta name="presence-endpoint">`. */
  @property() endpoint: string | null = null;

  /** Most avatars shown; the rest become `+N`. 0 shows everyone. */
  @property({ type: Number }) max = 20;

  /** The heading, also the group's accessible name. */
  @property() label = 'Online now';

  /**
   * Adds one "Names" button (a disclosure: one tab stop for the whole roster, none per
   * avatar) that lists everyone shown by name, for keyboard and touch users.
   */
  @property({ type: Boolean, reflect: true, attribute: 'names-toggle' }) namesToggle = false;

  /**
   * Leaves idle people out (a server with idle on): only the active are shown and in `people`,
   * and `count` leaves out the idle people the element holds — exact while everyone present fits
   * in `max`; past it, the idle people beyond the window are still in the server's count. Without
   * it, idle people are shown dimmed and counted, as the server's roster counts everyone present.
   */
  @property({ type: Boolean, reflect: true, attribute: 'hide-idle' }) hideIdle = false;

  /** Whether the names list is open. */
  @state() private namesOpen = false;

  /** Where the people come from; `<presence-here>` swaps in its room. Called once, while constructing. */
  protected rosterSource(): RosterSource {
    return new RosterController(this, () => this.endpoint);
  }

  protected readonly rosterController: RosterSource = this.rosterSource();

  /** The page's own user, marked (`part="item me"`) and never announced as joining or leaving; none in the roster. */
  protected isOwn(_uid: string): boolean {
    return false;
  }

  /** The words around the count: the overflow chip's and the live region's. */
  protected countWords(count: number, more: boolean): string {
    return more ? `${count} more online` : `${count} online`;
  }

  /** The default empty-state text. */
  protected get emptyText(): string {
    return 'Nobody is online right now';
  }

  /** Extra inline style for one person's item (a room member's colour); none in the roster. */
  protected itemStyle(_entry: RosterEntry): string | typeof nothing {
    return nothing;
  }

  /** Who is present (online or idle), alphabetical. */
  #people: RosterEntry[] = [];
  /** Everyone, shown or not: more than the people held when the server sends a window. */
  #count = 0;
  #applied: Roster | null = null;
  /** Whether a roster was shown before (server-rendered or streamed): only then are differences joins and leaves. */
  #baseline = false;
  readonly #motion = new RosterMotion(this);
  #events: PresenceRosterEvent[] = [];
  readonly #announcer = new CountAnnouncer(
    this,
    () => this.count,
    (count) => this.countWords(count, false),
  );

  /** Who is shown now, alphabetical: everyone present, or only the active with `hide-idle`. */
  get people(): readonly RosterEntry[] {
    return this.hideIdle ? this.#people.filter((entry) => !entry.idle) : this.#people;
  }

  get count(): number {
    // The server counts everyone present. With hide-idle the idle people held here are left out: exact when the
    // window holds the whole roster; idle people beyond a `max` window are not known to the page.
    return this.hideIdle ? this.#count - this.#people.filter((entry) => entry.idle).length : this.#count;
  }

  /** Registers the element under `tag` (once: calling it again is harmless). */
  static define(tag = 'online-now', registry: CustomElementRegistry = customElements): void {
    defineOnce(tag, this, registry);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.#applied === null && !this.#baseline) {
      const initial = initialRoster(this);
      if (initial) {
        this.#people = initial.users;
        this.#count = initial.count;
        this.#announcer.baseline(this.count);
        this.#baseline = true;
      }
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const roster = this.rosterController.roster;
    if (roster && roster !== this.#applied) this.#apply(roster);
  }

  #apply(roster: Roster): void {
    const read = readRoster(roster);
    const next = read?.users ?? [];
    this.#applied = roster;
    if (!this.#baseline) {
      this.#baseline = true;
      this.#people = next;
      this.#count = read?.count ?? 0;
      this.#announcer.baseline(this.count);
      return;
    }
    const { joined, left } = diffRoster(this.#people, next);
    const animate = this.hasUpdated && !matchMedia('(prefers-reduced-motion: reduce)').matches;
    for (const entry of joined) {
      this.#motion.enter(entry.uid, this.hasUpdated);
      if (!this.isOwn(entry.uid)) this.#events.push(new PresenceJoinEvent(entry));
    }
    for (const entry of left) {
      this.#motion.leave(entry, animate);
      if (!this.isOwn(entry.uid)) this.#events.push(new PresenceLeaveEvent(entry));
    }
    this.#people = next;
    this.#count = read?.count ?? 0;
    this.#announcer.changed();
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const events = this.#events;
    this.#events = [];
    for (const event of events) this.dispatchEvent(event);
  }

  protected override render(): TemplateResult {
    const count = this.count;
    const shown = this.#shown();
    const overflow = count - shown.filter((entry) => !this.#motion.isLeaving(entry.uid)).length;
    const open = this.namesToggle && this.namesOpen;
    // The group is named by the attribute, not the rendered heading, so a page's text-transform never reaches the name.
    return html`<div part="base" role="group" aria-label=${this.label}>
      <div part="header">
        <span part="label" aria-hidden="true">${this.label}</span><span part="count">${count}</span>
        ${
          this.namesToggle
            ? html`<button
                part="toggle"
                type="button"
                aria-expanded=${String(open)}
                aria-controls="names"
                @click=${this.#toggleNames}
              >
                Names
              </button>`
            : nothing
        }
      </div>
      ${
        count === 0 && this.#motion.leaving.length === 0
          ? html`<slot name="empty"><span part="empty">${this.emptyText}</span></slot>`
          : this.#renderList(shown, overflow, open)
      }
      ${open ? this.#renderNames(shown, overflow) : nothing}
      <span class="visually-hidden" aria-live="polite" aria-atomic="true">${this.#announcer.text}</span>
    </div>`;
  }

  #toggleNames(): void {
    this.namesOpen = !this.namesOpen;
  }

  /** Who is drawn: the first `max` present people alphabetically, plus anyone animating out between them. */
  #shown(): RosterEntry[] {
    const all = [...this.people, ...this.#motion.leaving].sort(compareRosterEntries);
    const max = this.max > 0 ? Math.floor(this.max) : Infinity;
    const shown: RosterEntry[] = [];
    let present = 0;
    for (const entry of all) {
      if (present >= max) break;
      shown.push(entry);
      if (!this.#motion.isLeaving(entry.uid)) present += 1;
    }
    return shown;
  }

  #renderList(shown: RosterEntry[], overflow: number, namesOpen: boolean): TemplateResult {
    // With the names list open, it alone speaks for these people (no name read twice).
    return html`<ul part="list" role="list" aria-hidden=${namesOpen ? 'true' : nothing}>
      ${repeat(
        shown,
        (entry) => entry.uid,
        (entry) => this.#renderItem(entry),
      )}
      ${
        overflow > 0
          ? html`<li part="overflow" title=${this.countWords(overflow, true)}>
              <span aria-hidden="true">+${overflow}</span
              ><span class="visually-hidden">${this.countWords(overflow, true)}</span>
            </li>`
          : nothing
      }
    </ul>`;
  }

  #renderNames(shown: RosterEntry[], overflow: number): TemplateResult {
    const present = shown.filter((entry) => !this.#motion.isLeaving(entry.uid));
    return html`<ul part="names" id="names" role="list">
      ${present.map((entry) => html`<li>${nameOf(entry)}</li>`)}
      ${overflow > 0 ? html`<li>${this.countWords(overflow, true)}</li>` : nothing}
    </ul>`;
  }

  #renderItem(entry: RosterEntry): TemplateResult {
    const leaving = this.#motion.isLeaving(entry.uid);
    const motion = leaving ? 'leave' : this.#motion.isEntering(entry.uid) ? 'enter' : '';
    const className = entry.idle ? `${motion} idle`.trim() : motion;
    const src = safeImageUrl(entry.avatar);
    const name = nameOf(entry);
    // The name lives on the avatar only (alt and hover title): the list item adds no second one.
    return html`<li
      part=${this.isOwn(entry.uid) ? 'item me' : 'item'}
      class=${className}
      style=${this.itemStyle(entry)}
      aria-hidden=${leaving ? 'true' : nothing}
      @animationend=${leaving ? () => this.#motion.done(entry.uid) : nothing}
    >
      ${
        src
          ? html`<img part="avatar" src=${src} alt=${name} title=${name} loading="lazy" decoding="async" />`
          : html`<span part="avatar" role="img" aria-label=${name} title=${name}>${initials(entry.name)}</span>`
      }
      <span part="dot" aria-hidden="true"></span>
    </li>`;
  }
}

/** The name as read and hovered: an idle person's says so, since dimming is only a visual cue. */
function nameOf(entry: RosterEntry): string {
  return entry.idle ? `${entry.name} (idle)` : entry.name;
}
