/** How often the frozen examples are re-stamped: well under the shortest label bucket (a minute). */
const RESTAMP_MS = 5000;

/**
 * The gallery's frozen state examples keep their age ("3h ago" stays 3h ago), and
 * each custom-property example follows its input as you type.
 */
export function wireGallery(doc: Document): void {
  const frozen = [...doc.querySelectorAll<HTMLElement>('[data-frozen-ago]')];
  if (frozen.length > 0) {
    const restamp = () => {
      const now = Date.now();
      for (const el of frozen) {
        el.setAttribute('last-seen', String(now - Number(el.dataset.frozenAgo)));
        // An idle status holds from when it was rendered, not from its (old) last activity.
        if (el.hasAttribute('data-frozen-idle')) el.setAttribute('server-now', String(now));
      }
    };
    setInterval(restamp, RESTAMP_MS);
  }
  doc.addEventListener('input', (event) => {
    const input = event.target as HTMLInputElement;
    const name = input.dataset.propInput;
    if (!name) return;
    const example = doc.querySelector<HTMLElement>(`[data-prop-example="${CSS.escape(name)}"]`);
    example?.style.setProperty(name, input.value.trim());
  });
}
