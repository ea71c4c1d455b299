import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { defineOnce } from './define-once.js';
import { PresenceElement } from './presence-element.js';
import { presenceDotStyles } from './presence-dot.styles.js';

/**
 * A presence dot in the bottom-right corner of the avatar it wraps, or inline on its own.
 *
 * ```html
 * <presence-dot uid="7" last-seen="1763900000000"><img src="/a/7.png" alt="Alice"></presence-dot>
 * ```
 *
 * @tagname presence-dot
 * @summary A filled green dot when the user is online, a hollow grey ring otherwise; named like the label (`last seen 5m ago`).
 *
 * @slot - The avatar (any element). Without one the dot is shown inline.
 *
 * @csspart base - The box around the avatar that the dot is positioned in.
 * @csspart dot - The dot itself (`role="img"`, named `online` / `last seen 5m ago` / `offline`, the exact time as its description).
 *
 * @cssproperty --presence-online-color - Dot colour when online. Default #1f883d (dark: #3fb950).
 * @cssproperty --presence-offline-color - The hollow dot's ring otherwise. Default #6e7781 (dark: #8b949e).
 * @cssproperty --presence-offline-fill - Inside the hollow dot. Default: the ring colour.
 * @cssproperty --presence-offline-stroke - Thickness of the hollow dot's ring. Default 2px.
 * @cssproperty --presence-ring-color - Ring separating the dot from the avatar. Default white (dark: #0d1117).
 * @cssproperty --presence-ring-width - Default 2px.
 * @cssproperty --presence-dot-size - A fixed size instead of the proportional one.
 * @cssproperty --presence-dot-ratio - Share of the avatar's width. Default 28%.
 * @cssproperty --presence-dot-min-size - Default 8px.
 * @cssproperty --presence-dot-max-size - Default 14px.
 * @cssproperty --presence-dot-offset - Inset from the bottom-right corner. Default 0.
 * @cssproperty --presence-transition-duration - Colour change duration. Default 200ms (0 under reduced motion).
 *
 * @event {CustomEvent<{uid: string, online: boolean, lastSeen: number | null}>} presence-change - The shown status changed.
 */
export class PresenceDot extends PresenceElement {
  /** Registers the element under `tag` (once: calling it again is harmless). */
  static define(tag = 'presence-dot', registry: CustomElementRegistry = customElements): void {
    defineOnce(tag, this, registry);
  }

  static override styles = presenceDotStyles;

  /** Whether anything is slotted: decides between corner and inline placement. */
  @state() private hasAvatar = false;

  override connectedCallback(): void {
    super.connectedCallback();
    this.hasAvatar = [...this.childNodes].some(isVisibleContent);
  }

  #onSlotChange(event: Event): void {
    const nodes = (event.target as HTMLSlotElement).assignedNodes({ flatten: true });
    this.hasAvatar = nodes.some(isVisibleContent);
  }

  protected override render(): TemplateResult {
    // No uid: the avatar alone, and no dot at all.
    if (!this.uid) return html`<slot></slot>`;
    // Named with the label's own words ("last seen 5m ago"); the exact time is the description.
    return html`<span part="base" class=${this.hasAvatar ? '' : 'alone'} title=${this.hoverText()}
      ><slot @slotchange=${this.#onSlotChange}></slot
      ><span part="dot" role="img" aria-label=${this.label()} aria-description=${this.exactTime() ?? nothing}></span
    ></span>`;
  }
}

function isVisibleContent(node: Node): boolean {
  return node.nodeType === Node.ELEMENT_NODE || (node.nodeType === Node.TEXT_NODE && (node.textContent ?? '').trim() !== '');
}
