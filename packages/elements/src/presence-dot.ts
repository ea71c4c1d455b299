import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { defineOnce } from './define-once.js';
import { PresenceElement } from './presence-element.js';
import { presenceDotStyles } from './presence-dot.styles.js';

/** Where the dot sits on the avatar: on a round one's edge, or in a square one's corner. */
export type DotShape = 'auto' | 'round' | 'square';

/**
 * A presence dot in the bottom-right corner of the avatar it wraps, or inline on its own.
 * On a round avatar it sits on the circle's edge (at 45°) instead of the box's corner.
 *
 * ```html
 * <presence-dot uid="7" last-seen="1763900000000"><img src="/a/7.png" alt="Alice"></presence-dot>
 * ```
 *
 * A server with idle on renders an idle person's dot with `online idle`; `state="idle"` then reflects.
 *
 * @tagname presence-dot
 * @summary A filled green dot when the user is online, a half-filled amber ring when idle, a hollow grey ring otherwise; named like the label (`idle for 12m`, `last seen 5m ago`).
 *
 * @slot - The avatar (any element). Without one the dot is shown inline.
 *
 * @csspart base - The box around the avatar that the dot is positioned in.
 * @csspart dot - The dot itself (`role="img"`, named `online` / `idle for 12m` / `last seen 5m ago` / `offline`, the exact time as its description).
 *
 * @cssproperty --presence-online-color - Dot colour when online. Default #1f883d (dark: #3fb950).
 * @cssproperty --presence-offline-color - The hollow dot's ring otherwise. Default #6e7781 (dark: #8b949e).
 * @cssproperty --presence-offline-fill - Inside the hollow dot. Default: the ring colour.
 * @cssproperty --presence-offline-stroke - Thickness of the hollow dot's ring (and the idle one's). Default 2px.
 * @cssproperty --presence-idle-color - The idle dot's ring and its filled lower half. Default #9a6700 (dark: #d29922).
 * @cssproperty --presence-idle-fill - The idle dot's upper half. Default: the ring colour.
 * @cssproperty --presence-ring-color - Ring separating the dot from the avatar. Default white (dark: #0d1117).
 * @cssproperty --presence-ring-width - Default 2px.
 * @cssproperty --presence-dot-size - A fixed size instead of the proportional one.
 * @cssproperty --presence-dot-ratio - Share of the avatar's width. Default 28%.
 * @cssproperty --presence-dot-min-size - Default 8px.
 * @cssproperty --presence-dot-max-size - Default 14px.
 * @cssproperty --presence-dot-offset - A length moving the dot in from where it sits (negative: out). Default 0px.
 * @cssproperty --presence-transition-duration - Colour change duration. Default 200ms (0 under reduced motion).
 *
 * @event {PresenceChangeEvent} presence-change - The shown status changed: `event.state` (`online` / `idle` / `offline`), `event.uid`, `event.online`, `event.lastSeen` (the last three also as `event.detail`).
 */
export class PresenceDot extends PresenceElement {
  /** Registers the element under `tag` (once: calling it again is harmless). */
  static define(tag = 'presence-dot', registry: CustomElementRegistry = customElements): void {
    defineOnce(tag, this, registry);
  }

  static override styles = presenceDotStyles;

  /**
   * The avatar's shape, for where the dot sits: `round` (on the circle's edge, at 45°),
   * `square` (in the corner), or `auto`: round when the avatar's bottom-right
   * border-radius is at least half its size, read when it is slotted.
   */
  @property() shape: DotShape = 'auto';

  /** Whether anything is slotted: decides between corner and inline placement. */
  @state() private hasAvatar = false;
  /** What `auto` found: the slotted avatar (or the image inside it) is a circle. */
  @state() private roundAvatar = false;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#readAvatar([...this.childNodes]);
  }

  #onSlotChange(event: Event): void {
    this.#readAvatar((event.target as HTMLSlotElement).assignedNodes({ flatten: true }));
  }

  #readAvatar(nodes: Node[]): void {
    this.hasAvatar = nodes.some(isVisibleContent);
    const avatar = nodes.find((node): node is Element => node.nodeType === Node.ELEMENT_NODE);
    // A link or wrapper around the image is common: look one level in.
    this.roundAvatar =
      !!avatar && (isCircle(avatar) || (!!avatar.firstElementChild && isCircle(avatar.firstElementChild)));
  }

  #placement(): string {
    if (!this.hasAvatar) return 'alone';
    const round = this.shape === 'round' || (this.shape !== 'square' && this.roundAvatar);
    return round ? 'round' : '';
  }

  protected override render(): TemplateResult {
    // No valid uid: the avatar alone, and no dot at all.
    if (!this.shownUid) return html`<slot></slot>`;
    // Named with the label's own words ("last seen 5m ago"); the exact time is the description.
    return html`<span part="base" class=${this.#placement()} title=${this.hoverText()}
      ><slot @slotchange=${this.#onSlotChange}></slot
      ><span part="dot" role="img" aria-label=${this.label()} aria-description=${this.exactTime() ?? nothing}></span
    ></span>`;
  }
}

/** A border-radius of half the box or more (`50%`, Tailwind's `9999px`) draws a circle. */
function isCircle(element: Element): boolean {
  const radius = getComputedStyle(element).borderBottomRightRadius.split(' ')[0] ?? '';
  const value = parseFloat(radius);
  if (!(value > 0)) return false;
  if (radius.endsWith('%')) return value >= 50;
  const { width, height } = element.getBoundingClientRect();
  return width > 0 && value >= Math.min(width, height) / 2 - 0.5;
}

function isVisibleContent(node: Node): boolean {
  return (
    node.nodeType === Node.ELEMENT_NODE || (node.nodeType === Node.TEXT_NODE && (node.textContent ?? '').trim() !== '')
  );
}
