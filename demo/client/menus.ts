/**
 * The header's disclosure menus (`<details data-menu>`: the account switcher and the
 * small-screen navigation) close like menus are expected to: Escape (focus back on
 * the toggle), focus leaving them (Tab-out), or a click anywhere else.
 */
export function wireMenus(doc: Document): void {
  const menus = () => [...doc.querySelectorAll<HTMLDetailsElement>('details[data-menu][open]')];
  const close = (menu: HTMLDetailsElement) => {
    menu.open = false;
  };
  doc.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    const menu = (event.target as Element).closest?.<HTMLDetailsElement>('details[data-menu][open]');
    if (!menu) return;
    close(menu);
    menu.querySelector('summary')?.focus();
  });
  doc.addEventListener('focusout', (event) => {
    const next = event.relatedTarget as Node | null;
    // No next element (a click on plain text inside, or the window losing focus) is not leaving.
    if (!next) return;
    for (const menu of menus()) if (menu.contains(event.target as Node) && !menu.contains(next)) close(menu);
  });
  doc.addEventListener('click', (event) => {
    for (const menu of menus()) if (!menu.contains(event.target as Node)) close(menu);
  });
}
