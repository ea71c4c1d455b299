import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoInChromium } from './support/demo-in-chromium.js';
import { DEMO_PAGES, openDemoPage, waitForElements } from './support/pages.js';

const run = demoInChromium();

const isOpen = (page: Page, selector: string) => page.locator(selector).evaluate((d) => (d as HTMLDetailsElement).open);

/**
 * Tabs through the whole page once, forwards or backwards (backwards is where the
 * browser scrolls each stop to the top edge, under a sticky header); for every stop,
 * whether it is hidden: covered by something else (the header, the simulator button).
 */
async function hiddenFocusStops(page: Page, key: 'Tab' | 'Shift+Tab'): Promise<string[]> {
  const hidden: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < 300; i += 1) {
    await page.keyboard.press(key);
    const stop = await page.evaluate(() => {
      let el = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      if (!el || el === document.body) return null;
      const r = el.getBoundingClientRect();
      const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
      // The middle of the part inside the viewport: a region taller than the screen counts as shown if any of it is.
      const y = Math.min((Math.max(r.top, 0) + Math.min(r.bottom, innerHeight)) / 2, innerHeight - 1);
      const hit = document.elementFromPoint(x, y);
      const host = (el.getRootNode() as ShadowRoot).host;
      const onTop = !!hit && (hit === el || el.contains(hit) || hit === host);
      const id = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.textContent ?? '').trim().slice(0, 30)}" @${Math.round(r.top + scrollY)},${Math.round(r.left)}`;
      return {
        id,
        visible: onTop && r.bottom > 0 && r.top < innerHeight,
        covering: hit?.closest('header, details')?.className ?? hit?.tagName ?? '',
      };
    });
    if (!stop || seen.has(stop.id)) break;
    seen.add(stop.id);
    if (!stop.visible) hidden.push(`${stop.id} (under ${stop.covering})`);
  }
  expect(seen.size).toBeGreaterThan(5);
  return hidden;
}

describe('the demo by keyboard', () => {
  for (const width of [390, 1280]) {
    it(`never hides the focused element under the sticky header or the Simulator button at ${width}px`, async () => {
      const { page, context } = await openDemoPage(run.browser, run.demo.url, '/', { as: 'ada', width, height: 700 });
      const found: Record<string, string[]> = {};
      for (const { name, path } of DEMO_PAGES) {
        await page.goto(`${run.demo.url}${path}`);
        await waitForElements(page);
        for (const key of ['Tab', 'Shift+Tab'] as const) {
          const hidden = await hiddenFocusStops(page, key);
          if (hidden.length > 0) found[`${name}, ${key}`] = hidden;
        }
      }
      expect(found).toEqual({});
      await context.close();
    });
  }

  for (const { width, menu } of [
    { width: 1280, menu: '.switcher' },
    { width: 390, menu: '.nav-menu' },
  ]) {
    it(`closes ${menu} on Escape (focus back on its button), on Tab out and on a click outside, at ${width}px`, async () => {
      const { page, context } = await openDemoPage(run.browser, run.demo.url, '/', { as: 'ada', width, height: 800 });
      const summary = page.locator(`${menu} > summary`);

      await summary.focus();
      await page.keyboard.press('Enter');
      expect(await isOpen(page, menu)).toBe(true);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Escape');
      expect(await isOpen(page, menu)).toBe(false);
      expect(await summary.evaluate((s) => s === document.activeElement)).toBe(true);

      await page.keyboard.press('Enter');
      await page.locator(`${menu} a[href]`).last().focus();
      await page.keyboard.press('Tab');
      expect(await isOpen(page, menu)).toBe(false);

      await summary.click();
      expect(await isOpen(page, menu)).toBe(true);
      await page.locator('main').click({ position: { x: 5, y: 5 } });
      expect(await isOpen(page, menu)).toBe(false);
      await context.close();
    });
  }
});
