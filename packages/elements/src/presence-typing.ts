import { LitElement, css, html, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { typingLabel } from '@presence-kit/core';
import { defineOnce } from './define-once.js';
import { RoomController } from './room-controller.js';

/**
 * Who is typing in a room: "Alice is typing…", "Alice and Bob are typing…", "3 people are
 * typing…" (never the page's own user). Each signal runs out by itself a few seconds after the
 * last one (the server states how long), and a sent message (`store.room(r).stopTyping()`)
 * clears it at once. Like `<presence-here>`, being on the page puts the page in the room.
 *
 * ```html
 * <presence-typing room="doc:42"></presence-typing>
 * ```
 *
 * @tagname presence-typing
 * @summary "Alice is typing…" for one room, live.
 *
 * @csspart label - The text (empty when nobody types).
 *
 * @cssproperty --presence-muted-color - The text colour.
 */
export class PresenceTyping extends LitElement {
  static override styles = css`
    :host {
      display: inline-block;
      color: var(--presence-muted-color, #57606a);
      font-style: italic;
    }
  `;

  /** The room: `doc:42`. */
  @property({ reflect: true }) room: string | null = null;

  /** The presence endpoint; default: `<meta name="presence-endpoint">`. */
  @property() endpoint: string | null = null;

  readonly #room = new RoomController(this, {
    room: () => this.room,
    endpoint: () => this.endpoint,
    // The smallest window: a bar in the same room widens it; typists outside it are "someone".
    max: () => 1,
  });

  static define(tag = 'presence-typing', registry: CustomElementRegistry = customElements): void {
    defineOnce(tag, this, registry);
  }

  /** The text shown now. */
  get text(): string {
    const view = this.#room.view;
    if (!view) return '';
    const names = [...view.typing.keys()]
      .filter((uid) => uid !== view.me)
      .map((uid) => view.members.find((member) => member.uid === uid)?.name ?? 'Someone');
    return typingLabel(names);
  }

  protected override render(): TemplateResult {
    // A polite live region: a screen reader hears who starts typing, without being interrupted.
    return html`<span part="label" role="status" aria-live="polite">${this.text}</span>`;
  }
}
