import { LitElement, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import {
  exactTime,
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

  /** The presence endpoint; default: `<meta name="presence-endpoint">`. */
  @property() endpoint: string | null = null;

  /** The server's clock when it rendered this element (epoch ms): what "ago" is measured against until a stream speaks. */
  @property({ attribute: 'server-now' }) serverNow: string | null = null;

  /** The server's window, `"60 20"` (timeout and margin in seconds), as it rendered this element. */
  @property({ attribute: 'server-window' }) serverWindow: string | null = null;

  /** What is shown now (output only, for CSS): `online`, `away` (seen before) or `offline` (never seen). */
  @property({ reflect: true }) state: PresenceState = 'offline';

  protected readonly presence = new PresenceController(this, {
    uid: () => this.shownUid,
    endpoint: () => this.endpoint,
  });

  #shown: ShownStatus | undefined;
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
    super.connectedCallback();
  }

  protected label(status: ShownStatus = this.status): string {
    return presenceLabel(status, this.now(), this.locale());
  }

  /** The hover text: the label's words, then the exact time when there is one. */
  protected hoverText(status: ShownStatus = this.status): string {
    return presenceTitle(status, this.now(), this.locale());
  }

  /** The exact time of the last activity (an accessible description), or null when online or never seen. */
  protected exactTime(status: ShownStatus = this.status): string | null {
    return status.online || status.lastSeen === null ? null : exactTime(status.lastSeen, this.locale());
  }

  #compute(): ShownStatus {
    const watched = this.presence.value;
    if (watched?.live) return { online: watched.online, lastSeen: watched.lastSeen, live: true };
    const { lastSeen, until } = this.#fallback();
    return { online: this.now() < until, lastSeen, live: false };
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
    const vouched = wasOnline ? (watched?.vouchedUntil ?? null) : null;
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
    if (informed && uid && (previous.online !== next.online || previous.lastSeen !== next.lastSeen)) {
      this.dispatchEvent(new PresenceChangeEvent({ uid, online: next.online, lastSeen: next.lastSeen }));
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
    // The fallback turns grey by itself once the window (plus margin) has passed.
    if (!status.live && status.online) return Math.max(0, this.#fallback().until - this.now());
    if (!status.online && status.lastSeen !== null) return msUntilLabelChanges(status.lastSeen, this.now());
    return Infinity;
  }

  /** @internal For the shared label timer (`Scheduled`), not for pages. */
  refresh(): void {
    const previous = this.#shown;
    const next = this.#compute();
    const changed =
      !previous ||
      previous.online !== next.online ||
      previous.lastSeen !== next.lastSeen ||
      this.label(next) !== this.#label;
    // Rendering only on a real change is what keeps label text written only when it differs.
    if (changed) this.requestUpdate();
  }
}
