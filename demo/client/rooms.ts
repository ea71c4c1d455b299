import { getPresenceStore } from '@presence-kit/elements';

/**
 * The demo's rooms: colour swatches set the reader's state in the room, a composer signals typing
 * on input and clears it when the note or message is sent (the others' <presence-typing> updates).
 */
export function wireRooms(doc: Document): void {
  for (const form of doc.querySelectorAll<HTMLFormElement>('form[data-room-composer]')) {
    const room = getPresenceStore().room(form.dataset.roomComposer!);
    const input = form.querySelector('input')!;
    input.addEventListener('input', () => (input.value ? room.typing() : room.stopTyping()));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      input.value = '';
      room.stopTyping();
    });
  }
  for (const section of doc.querySelectorAll<HTMLElement>('[data-room]')) {
    const room = getPresenceStore().room(section.dataset.room!);
    for (const swatch of section.querySelectorAll<HTMLButtonElement>('.swatch')) {
      swatch.addEventListener('click', () => {
        room.set({ color: swatch.dataset.color! });
        for (const other of section.querySelectorAll('.swatch')) other.removeAttribute('aria-pressed');
        swatch.setAttribute('aria-pressed', 'true');
      });
    }
  }
}
