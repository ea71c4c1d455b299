import { html, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { defineOnce } from './define-once.js';
import { PresenceElement } from './presence-element.js';
import { presenceStatusStyles } from './presence-status.styles.js';

/**
 * The status in words, for profile pages and conversation headers: `online`,
 * `idle` / `idle for 12m` (a server with idle on), `last seen 5m ago` (ticking live,
 * bucketed) or `offline` when never seen.
 *
 * ```html
 * <presence-status uid="7" last-seen="1763900000000"></presence-status>
 * ```
 *
 * @tagname presence-status
 * @summary A live presence label with a small dot; hover adds the exact time.
 *
 * @csspart base - The wrapper of the dot and the label (its title adds the exact time).
 * @csspart dot - The small dot before the label (decorative: the label says the state): filled when online, half-filled amber when idle, hollow otherwise.
 * @csspart label - The label text.
 *
 * @cssproperty --presence-online-color - Dot colour when online.
 * @cssproperty --presence-offline-color - The hollow dot's ring otherwise.
 * @cssproperty --presence-offline-fill - Inside the hollow dot. Default: the ring colour.
 * @cssproperty --presence-idle-color - The idle dot's ring and lower half. Default #9a6700 (dark: #d29922).
 * @cssproperty --presence-idle-fill - The idle dot's upper half. Default: the ring colour.
 * @cssproperty --presence-ring-color - Default fill of the hollow dot. Default white (dark: #0d1117).
 * @cssproperty --presence-offline-stroke - Thickness of the hollow dot's ring. Default 2px.
 * @cssproperty --presence-text-color - Label colour when online. Default: inherited.
 * @cssproperty --presence-muted-color - Label colour otherwise. Default #59636e (dark: #9198a1).
 * @cssproperty --presence-dot-size - Default 0.5em.
 * @cssproperty --presence-status-gap - Space between dot and label. Default 0.375em.
 *
 * @event {PresenceChangeEvent} presence-change - The shown status changed: `event.state` (`online` / `idle` / `offline`), `event.uid`, `event.online`, `event.lastSeen` (the last three also as `event.detail`).
 */
export class PresenceStatus extends PresenceElement {
  /** Registers the element under `tag` (once: calling it again is harmless). */
  static define(tag = 'presence-status', registry: CustomElementRegistry = customElements): void {
    defineOnce(tag, this, registry);
  }

  static override styles = presenceStatusStyles;

  /** Hide the small dot and show the words only. */
  @property({ type: Boolean, reflect: true, attribute: 'no-dot' }) noDot = false;

  protected override render(): TemplateResult | typeof nothing {
    if (!this.shownUid) return nothing;
    return html`<span part="base" title=${this.hoverText()}
      ><span part="dot" aria-hidden="true"></span><span part="label">${this.label()}</span></span
    >`;
  }
}
