import { beforeAll, describe, expect, it } from 'vitest';
import { contrastRatio } from '../../packages/elements/test/support/contrast.js';
import { describeProblems, seriousViolations } from './support/axe.js';
import { demoInChromium } from './support/demo-in-chromium.js';
import { DEMO_PAGES, openDemoPage, waitForElements } from './support/pages.js';

const run = demoInChromium();

beforeAll(async () => {
  // A few people online, so every page shows both states.
  for (const uid of ['grace', 'linus'])
    await fetch(`${run.demo.url}/api/simulator/active`, { method: 'POST', body: JSON.stringify({ uid }) });
});

describe('the demo for assistive technology (axe-core, Chromium)', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`has no serious or critical violation on any page, ${colorScheme}, menus and names open too`, async () => {
      const { page, context } = await openDemoPage(run.browser, run.demo.url, '/', { as: 'ada', colorScheme });
      const found: Record<string, string> = {};
      for (const { name, path } of DEMO_PAGES) {
        await page.goto(`${run.demo.url}${path}`);
        await waitForElements(page);
        const problems = await seriousViolations(page);
        if (problems.length > 0) found[name] = describeProblems(problems);
      }
      // The open states: the account menu and the roster's names.
      await page.goto(`${run.demo.url}/`);
      await waitForElements(page);
      await page.getByRole('button', { name: 'Names' }).click();
      await page.locator('.switcher__summary').click();
      const open = await seriousViolations(page);
      if (open.length > 0) found['feed, opened'] = describeProblems(open);
      expect(found).toEqual({});
      await context.close();
    });

    it(`keeps every dot in the gallery at 3:1 against its ring and its own centre, ${colorScheme}`, async () => {
      const { page, context } = await openDemoPage(run.browser, run.demo.url, '/gallery', { as: 'ada', colorScheme });
      await page.addScriptTag({ content: `window.__contrast = ${contrastRatio.toString()}` });
      const report = await page.evaluate(async () => {
        const contrast = (window as unknown as { __contrast: (a: string, b: string) => number }).__contrast;
        const problems: string[] = [];
        let measured = 0;
        const dots = [
          ...[...document.querySelectorAll('presence-dot[uid]')].map((host) => ({
            host,
            dot: host.shadowRoot!.querySelector('[part~="dot"]')!,
          })),
          ...[...document.querySelectorAll('online-now')].flatMap((host) =>
            [...host.shadowRoot!.querySelectorAll('[part~="dot"]')].map((dot) => ({ host, dot })),
          ),
        ];
        // Measure the colours a designer ends up seeing, not a frame of a transition (one example lasts 2s).
        await Promise.all(dots.flatMap(({ dot }) => dot.getAnimations().map((animation) => animation.finished)));
        for (const { host, dot } of dots) {
          const box = dot.getBoundingClientRect();
          if (box.width === 0) continue;
          const style = getComputedStyle(dot);
          const online = host.localName === 'online-now' || host.getAttribute('state') === 'online';
          const ink = online ? style.backgroundColor : style.borderTopColor;
          const ring = /^(\w+\([^)]*\))/.exec(style.boxShadow)?.[1];
          const where = `${host.closest('[data-property], [data-part], [data-state-example], [data-theme-panel], [data-sizes]')?.outerHTML.slice(0, 60) ?? host.localName}`;
          measured += 1;
          if (ring && contrast(ink, ring) < 3)
            problems.push(`${where}: ${ink} on ring ${ring} is ${contrast(ink, ring).toFixed(2)}:1`);
          if (!online && parseFloat(style.borderTopWidth) > 0 && contrast(ink, style.backgroundColor) < 3) {
            problems.push(
              `${where}: ring ${ink} around ${style.backgroundColor} is ${contrast(ink, style.backgroundColor).toFixed(2)}:1`,
            );
          }
        }
        return { measured, problems };
      });
      expect(report.measured).toBeGreaterThan(60);
      expect(report.problems).toEqual([]);
      await context.close();
    });
  }

  it('gives every page one h1, names the roster once, and each post one tab stop to its author', async () => {
    const { page, context } = await openDemoPage(run.browser, run.demo.url, '/', { as: 'ada' });
    for (const { path } of DEMO_PAGES) {
      await page.goto(`${run.demo.url}${path}`);
      expect(await page.locator('h1').count(), path).toBe(1);
    }
    await page.goto(`${run.demo.url}/`);
    await waitForElements(page);
    // The group is "Online now" as written, not the uppercase it is drawn in, and no region repeats it.
    await expect(page.getByRole('group', { name: 'Online now', exact: true }).count()).resolves.toBe(1);
    await expect(page.getByRole('region', { name: /online now/i }).count()).resolves.toBe(0);
    const perPost = await page.$$eval('article.post', (posts) =>
      posts.map((post) => {
        const stops = [...post.querySelectorAll<HTMLAnchorElement>('.post__head a[href]')].filter(
          (a) => a.tabIndex >= 0,
        );
        return stops.map((a) => a.getAttribute('href'));
      }),
    );
    expect(perPost.length).toBeGreaterThan(2);
    for (const stops of perPost) expect(stops).toHaveLength(1);
    // A message link says the person's name once.
    const message = await page
      .locator('.rail .message-item')
      .first()
      .evaluate((a) => a.querySelectorAll('img[alt]:not([alt=""])').length);
    expect(message).toBe(0);
    await context.close();
  });

  it('names the account menu with its visible text, signed in and as a guest', async () => {
    for (const as of ['katherine', '']) {
      const { page, context } = await openDemoPage(run.browser, run.demo.url, '/', { as });
      const summary = page.locator('.switcher__summary');
      const visible = await summary.locator('.switcher__name').innerText();
      expect(visible).toBe(as ? 'Katherine' : 'Sign in');
      expect(await summary.getAttribute('aria-label')).toMatch(new RegExp(`^${visible}, `));
      await context.close();
    }
  });
});
