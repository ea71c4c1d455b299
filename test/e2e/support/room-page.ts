import type { Page } from 'playwright-core';

// Reading a page's "who is here" bar and typing line, for the e2e files with rooms.

/** The names the bar draws, in order (people animating out are skipped), the page's own starred. */
export const bar = (page: Page) =>
  page.evaluate(() => {
    const here = document.querySelector('presence-here')!;
    return [...here.shadowRoot!.querySelectorAll('[part~="item"]:not(.leave)')].map(
      (item) =>
        item.querySelector('[part~="avatar"]')!.getAttribute('title')! +
        (item.getAttribute('part')!.includes('me') ? '*' : ''),
    );
  });

/** The bar's join and leave events so far (`presence-join ada`), as the page recorded them in `window.__events`. */
export const events = (page: Page) => page.evaluate(() => (window as unknown as { __events: string[] }).__events);

export const typingText = (page: Page) =>
  page.evaluate(() => document.querySelector('presence-typing')!.shadowRoot!.textContent!.trim());
