import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoInChromium } from './support/demo-in-chromium.js';
import { DEMO_PAGES, openDemoPage, waitForElements } from './support/pages.js';

const run = demoInChromium();

/** What is wrong with the header as drawn: anything off-screen, overlapping, wrapped or spilling out of its box. */
function headerProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const header = document.querySelector('.navbar')!.getBoundingClientRect();
    if (Math.round(header.height) !== 60) problems.push(`the header is ${header.height}px tall, not one 60px row`);
    const shown = (selector: string) =>
      [...document.querySelectorAll(selector)].filter(
        (el) => el.getBoundingClientRect().width > 0 && getComputedStyle(el).visibility !== 'hidden',
      );
    const pieces = [
      '.brand',
      '.navbar__nav',
      '.nav-menu__summary',
      '[data-theme-toggle]',
      '.switcher__summary',
    ].flatMap((s) => shown(s).map((el) => ({ s, r: el.getBoundingClientRect() })));
    for (const { s, r } of pieces)
      if (r.left < 4 || r.right > innerWidth - 4)
        problems.push(`${s} touches or leaves the screen edge (${r.left}-${r.right})`);
    for (let i = 1; i < pieces.length; i += 1) {
      if (pieces[i]!.r.left < pieces[i - 1]!.r.right) problems.push(`${pieces[i]!.s} overlaps ${pieces[i - 1]!.s}`);
    }
    const summary = document.querySelector('.switcher__summary')!.getBoundingClientRect();
    for (const el of document.querySelectorAll('.switcher__summary > *')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && (r.left < summary.left || r.right > summary.right + 0.5))
        problems.push(`${el.className} spills out of the account button`);
    }
    const name = document.querySelector('.switcher__name')!;
    if (name.getClientRects().length > 1 || name.getBoundingClientRect().height > 24)
      problems.push(`"${name.textContent}" wraps`);
    const guest = document.querySelector('.switcher__summary .switcher__guest');
    if (guest && guest.scrollWidth > guest.clientWidth) problems.push('the guest badge overflows its circle');
    return problems;
  });
}

const horizontalScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe('the demo on phones and tablets', () => {
  for (const width of [390, 768]) {
    for (const as of ['katherine', '']) {
      it(`fits ${width}px with no sideways scroll and an intact header, ${as ? 'signed in as Katherine' : 'as a guest'}`, async () => {
        const { page, context } = await openDemoPage(run.browser, run.demo.url, '/', { as, width, height: 800 });
        const found: Record<string, string[]> = {};
        for (const { name, path } of DEMO_PAGES) {
          await page.goto(`${run.demo.url}${path}`);
          await waitForElements(page);
          const problems = await headerProblems(page);
          const extra = await horizontalScroll(page);
          if (extra > 0) problems.push(`the page scrolls ${extra}px sideways`);
          if (problems.length > 0) found[name] = problems;
        }
        expect(found).toEqual({});
        await context.close();
      });
    }

    it(`replaces the top navigation with a Menu at ${width}px`, async () => {
      const { page, context } = await openDemoPage(run.browser, run.demo.url, '/gallery', {
        as: 'ada',
        width,
        height: 800,
      });
      await expect(page.locator('.navbar__nav').isVisible()).resolves.toBe(false);
      await page.locator('.nav-menu__summary').click();
      const links = page.getByRole('navigation', { name: 'Demo pages' }).getByRole('link');
      await expect(links.allInnerTexts()).resolves.toEqual(['Feed', 'Messages', 'Profile', 'Gallery', 'Simulator']);
      const boxes = await links.evaluateAll((all) => all.map((a) => a.getBoundingClientRect().toJSON() as DOMRect));
      for (const box of boxes) expect(box.right).toBeLessThanOrEqual(width);
      await expect(page.getByRole('link', { name: 'Gallery' }).getAttribute('aria-current')).resolves.toBe('page');
      await context.close();
    });
  }

  it('keeps the simulator’s switch and names whole, the gallery’s descriptions readable, and toasts off the Simulator button at 390px', async () => {
    const { page, context } = await openDemoPage(run.browser, run.demo.url, '/simulator', {
      as: 'ada',
      width: 390,
      height: 800,
    });
    const simulator = await page.evaluate(() => {
      const card = document.querySelector('.page--simulator .simulator')!.getBoundingClientRect();
      const toggle = document.querySelector('.page--simulator .switch')!.getBoundingClientRect();
      const cut = [...document.querySelectorAll<HTMLElement>('.page--simulator .sim-row__name')]
        .filter((n) => n.scrollWidth > n.clientWidth)
        .map((n) => n.textContent);
      return { switchInside: toggle.left >= card.left && toggle.right <= card.right, cut };
    });
    expect(simulator).toEqual({ switchInside: true, cut: [] });

    await page.goto(`${run.demo.url}/gallery`);
    await waitForElements(page);
    const description = await page
      .locator('[data-property="--presence-online-color"] td')
      .first()
      .evaluate((td) => td.getBoundingClientRect().width);
    expect(description).toBeGreaterThanOrEqual(150);

    // Someone arrives: the toast must not cover the Simulator button.
    await page.goto(`${run.demo.url}/`);
    await waitForElements(page);
    const res = await page.request.post(`${run.demo.url}/api/simulator/active`, { data: { uid: 'radia' } });
    expect(res.status()).toBe(200);
    const toast = page.locator('.toast', { hasText: 'Radia Perlman came online' });
    await toast.waitFor();
    const [t, button] = await Promise.all([toast.boundingBox(), page.locator('.sim-drawer__toggle').boundingBox()]);
    const overlaps =
      t!.x < button!.x + button!.width &&
      button!.x < t!.x + t!.width &&
      t!.y < button!.y + button!.height &&
      button!.y < t!.y + t!.height;
    expect(overlaps, `toast ${JSON.stringify(t)} vs button ${JSON.stringify(button)}`).toBe(false);
    expect(t!.x).toBeGreaterThanOrEqual(0);
    expect(t!.x + t!.width).toBeLessThanOrEqual(390);
    await page.request.post(`${run.demo.url}/api/simulator/idle-all`);
    await context.close();
  });
});
