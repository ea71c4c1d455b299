import type { BrowserContext, Page } from 'playwright-core';

// What the activity and idle e2e files share: a page whose dots are live,
// a person using pages without requests, and the states a page announces.

/** Opens `url` and waits until every dot on it is live (its stream vouches for it). */
export async function openLivePage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'load', timeout: 10_000 });
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('presence-dot')].every(
        (dot) => (dot as unknown as { status: { live: boolean } }).status.live,
      ),
    undefined,
    { timeout: 10_000 },
  );
  return page;
}

export const stateOf = (page: Page, uid: string) => page.getAttribute(`presence-dot[uid="${uid}"]`, 'state');

/** The person uses these pages in turn for `ms`: the pointer moves and a key is pressed, with no request of the page's own. */
export async function use(pages: Page[], ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (let i = 0; Date.now() < until; i += 1) {
    const page = pages[i % pages.length]!;
    await page.mouse.move(10 + (i % 7) * 20, 10 + (i % 3) * 20);
    if (i % 5 === 0) await page.keyboard.press('Shift');
    await page.waitForTimeout(150);
  }
}

/** Every state `presence-change` announces on this page, read with the function it returns. */
export async function recordChanges(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __changes: string[] }).__changes = seen;
    document.addEventListener('presence-change', (event) => seen.push((event as unknown as { state: string }).state));
  });
  return () => page.evaluate(() => (window as unknown as { __changes: string[] }).__changes);
}
