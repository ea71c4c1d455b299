import { LitElement, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import {
  exactTime,
  liveStateOf,
  msUntilLabelChanges,
  offlineAt,
  parseTimestamp,
  parseWindow,
  presenceLabel,
  presenceState,
  presenceTitle,
  type PresenceState,
  type PresenceWindow,
  type Uid,
} from '@presence-kit/core';
import { resolveWindow } from './config.js';
import { PresenceChangeEvent } from './events.js';
import { schedule, unschedule, type Scheduled } from './label-scheduler.js';
import { PresenceController } from './presence-controller.js';
import { learnServerTime, serverNow } from './server-clock.js';
import { warnInvalidUid, watchableUid } from './uid.js';

/** The status an element shows, and where it came from. */
export interface ShownStatus {
  online: boolean;
  /** Present but idle (a page open, no interaction): only from a server with idle on, always with `online`. */
  idle: boolean;
  lastSeen: number | null;
  /** True when a live stream vouches for it; false when computed from `last-seen` and the window. */
  live: boolean;
}

/**
 * What `<presence-dot>` and `<presence-status>` share: the attributes, the store
 * subscription, the fallback rule, and the `presence-change` event.
 */
export abstract class PresenceElement extends LitElement implements Scheduled {
  /** Whose presence to show. Without a valid one, nothing is shown (an invalid one is warned about). */
  @property() uid: string | null = null;

  /** Last activity as epoch ms, epoch seconds or ISO-8601 (as the server rendered it). */
  @property({ attribute: 'last-seen' }) lastSeen: string | null = null;

  /** Online when the page was rendered (server-side, hysteresis included). */
  @property({ type: Boolean }) online = false;

  /** Idle when the page was rendered (with `online`: present, no interaction; a server with idle on). */
  @property({ type: Boolean }) idle = false;

  /** The presence endpoint; default: `<meta name="presence-endpoint">`. */
  @property() endpoint: string | null = null;

  /** The server's clock when it rendered this element (epoch ms): what "ago" is measured against until a stream speaks. */
  @property({ attribute: 'server-now' }) serverNow: string | null = null;

  /** The server's window, `"60 20"` (timeout and margin in seconds), as it rendered this element. */
  @property({ attribute: 'server-window' }) serverWindow: string | null = null;

  /** What is shown now (output only, for CSS): `online`, `idle` (present, no interaction), `away` (seen before) or `offline` (never seen). */
  @property({ reflect: true }) state: PresenceState = 'offline';

  protected readonly presence = new PresenceController(this, {
    uid: () => this.shownUid,
    endpoint: () => this.endpoint,
  });

  #shown: ShownStatus | undefined;
  /** Server time when this element was connected: what a server-rendered idle status without `server-now` holds from. */
  #connectedAt = 0;
  /** The label as last rendered, so the shared timer only re-renders when the words change. */
  #label = '';

  /** The status shown now. */
  get status(): ShownStatus {
    return this.#shown ?? this.#compute();
  }

  /** The uid whose presence is shown: null when missing or invalid, which shows nothing at all. */
  protected get shownUid(): Uid | null {
    return watchableUid(this.uid);
  }

  protected locale(): string {
    return this.closest('[lang]')?.getAttribute('lang') || 'en';
  }

  protected now(): number {
    return serverNow();
  }

  /** What the server stated wins: its snapshot's window, else the one it rendered; the page's only when neither did. */
  #window(): PresenceWindow {
    return this.presence.store?.window ?? parseWindow(this.serverWindow, resolveWindow());
  }

  override connectedCallback(): void {
    // Before any element renders: upgrades connect every server-rendered element first.
    if (this.serverNow) learnServerTime(parseTimestamp(this.serverNow), 'markup');
    this.#connectedAt = this.now();
    super.connectedCallback();
  }

  protected label(status: ShownStatus = this.status): string {
    return presenceLabel(status, this.now(), this.locale());
  }

  /** The hover text: the label's words, then the exact time when there is one. */
  protected hoverText(status: ShownStatus = this.status): string {
    return presenceTitle(status, this.now(), this.locale());
  }

  /** The exact time of the last activity (an accessible description), or null when online (not idle) or never seen. */
  protected exactTime(status: ShownStatus = this.status): string | null {
    return (status.online && !status.idle) || status.lastSeen === null
      ? null
      : exactTime(status.lastSeen, this.locale());
  }

  #compute(): ShownStatus {
    const watched = this.presence.value;
    if (watched?.live) return { online: watched.online, idle: watched.idle, lastSeen: watched.lastSeen, live: true };
    const { lastSeen, until } = this.#fallback();
    const online = this.now() < until;
    // A vouched (or server-rendered) idle status holds like an online one, and ends with it.
    const idle = online && (this.presence.value ? this.presence.value.idle : this.idle);
    return { online, idle, lastSeen, live: false };
  }

  /**
   * No live subscription: the newest facts (the attributes, or what a stream said) and
   * the window decide, and `until` is when the status turns offline by itself. While
   * reconnecting, a stream's last "online" counts from the drop, not from a `last_seen`
   * that only the snapshot carried and may be older than the window.
   */
  #fallback(): { lastSeen: number | null; until: number } {
    const watched = this.presence.value;
    const attribute = parseTimestamp(this.lastSeen);
    const streamed = watched?.lastSeen ?? null;
    const lastSeen = streamed !== null && (attribute === null || streamed > attribute) ? streamed : attribute;
    const wasOnline = watched ? watched.online : this.online;
    const wasIdle = wasOnline && (watched ? watched.idle : this.idle);
    // An idle person's last activity is old by definition: their open page is what the server vouched for,
    // until the stream dropped or, rendered, until the markup was made.
    const rendered = wasIdle && !watched ? (parseTimestamp(this.serverNow) ?? this.#connectedAt) : null;
    const vouched = wasOnline ? (watched?.vouchedUntil ?? rendered) : null;
    const since = vouched !== null && (lastSeen === null || vouched > lastSeen) ? vouched : lastSeen;
    return { lastSeen, until: offlineAt(wasOnline, since, this.#window()) };
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // An invalid uid shows nothing, like no uid; the console says why, once per value.
    if (changed.has('uid') && this.uid && !this.shownUid) warnInvalidUid(this.uid);
    const previous = this.#shown;
    const next = this.#compute();
    this.#shown = next;
    this.#label = this.label(next);
    this.state = presenceState(next);
    // A dot with no facts yet (no attributes, stream not connected) only learns its first status: not a change.
    const informed = previous && (previous.live || previous.online || previous.lastSeen !== null);
    const uid = this.shownUid;
    if (
      informed &&
      uid &&
      (previous.online !== next.online || previous.idle !== next.idle || previous.lastSeen !== next.lastSeen)
    ) {
      this.dispatchEvent(
        new PresenceChangeEvent({ uid, online: next.online, lastSeen: next.lastSeen, state: liveStateOf(next) }),
      );
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (Number.isFinite(this.msUntilChange())) schedule(this);
    else unschedule(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    unschedule(this);
    this.#shown = undefined;
  }

  /** @internal For the shared label timer (`Scheduled`), not for pages. */
  msUntilChange(): number {
    const status = this.status;
    if (!this.shownUid) return Infinity;
    // "idle for 12m" ticks like "last seen 12m ago".
    const label =
      (!status.online || status.idle) && status.lastSeen !== null
        ? msUntilLabelChanges(status.lastSeen, this.now())
        : Infinity;
    // The fallback turns grey by itself once the window (plus margin) has passed.
    if (!status.live && status.online) return Math.min(label, Math.max(0, this.#fallback().until - this.now()));
    return label;
  }

  /** @internal For the shared label timer (`Scheduled`), not for pages. */
  refresh(): void {
    const previous = this.#shown;
    const next = this.#compute();
    const changed =
      !previous ||
      previous.online !== next.online ||
      previous.idle !== next.idle ||
      previous.lastSeen !== next.lastSeen ||
      this.label(next) !== this.#label;
    // Rendering only on a real change is what keeps label text written only when it differs.
    if (changed) this.requestUpdate();
  }
}
