import { html, raw, type Safe } from '../html.js';
import type { View } from '../view.js';

/** Colours a reader can pick in a document: theirs outlines their avatar in everyone's "who is here" bar. */
export const READER_COLORS = ['#e91e63', '#1f883d', '#0969da', '#bf8700', '#8250df'] as const;

/** The shared documents of the demo (one room each). */
export const DOCUMENTS: Readonly<Record<string, { title: string; body: string }>> = {
  roadmap: {
    title: 'Roadmap: next quarter',
    body: 'Rooms land first: who is in this document now, their colours and who is typing. Then page activity and an idle state.',
  },
  retro: {
    title: 'Team retro notes',
    body: 'What went well, what did not, and what we try next. Add your notes below; everyone here sees you typing.',
  },
};

/**
 * A shared document: the room `doc:<id>` with its "who is here" bar (server-rendered, then live),
 * a colour each reader picks for themselves, and a notes box whose typing the others see.
 */
export function documentBody(view: View, id: string): Safe {
  const doc = DOCUMENTS[id]!;
  const room = `doc:${id}`;
  return html`<section class="card document" aria-labelledby="document-title" data-room="${room}">
    <header class="document__head">
      <h1 id="document-title" class="document__title">${doc.title}</h1>
      <div class="document__here">${raw(view.presence.renderHere(room, { max: 8, label: 'Here now' }))}</div>
    </header>
    <p class="document__body">${doc.body}</p>
    ${
      view.me
        ? html`<fieldset class="document__colors">
              <legend>Your colour in this document</legend>
              ${READER_COLORS.map(
                (color) =>
                  html`<button
                    type="button"
                    class="swatch"
                    data-color="${color}"
                    style="--swatch: ${color}"
                    aria-label="Colour ${color}"
                  ></button>`,
              )}
            </fieldset>
            <form class="composer composer--chat" data-room-composer="${room}">
              <input class="composer__input" placeholder="Add a note…" aria-label="Note" />
              <button class="btn" type="submit">Add</button>
            </form>`
        : html`<p class="muted">Pick someone in the top-right menu to be in this document (guests watch only).</p>`
    }
    <presence-typing room="${room}"></presence-typing>
    <p class="muted small">
      Other documents:
      ${Object.entries(DOCUMENTS)
        .filter(([other]) => other !== id)
        .map(([other, d]) => html`<a href="/docs/${other}">${d.title}</a>`)}
    </p>
  </section>`;
}
