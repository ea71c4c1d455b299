const KEY = 'demo-theme';

/** Light/dark toggle; the choice is kept in localStorage (read before first paint by the page's head). */
export function wireThemeToggle(doc: Document): void {
  const root = doc.documentElement;
  doc.querySelector('[data-theme-toggle]')?.addEventListener('click', () => {
    const current = root.dataset.theme ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
    const next = current === 'dark' ? 'light' : 'dark';
    root.dataset.theme = next;
    try {
      localStorage.setItem(KEY, next);
    } catch {
      // Private mode: the toggle still works for this page.
    }
  });
}
