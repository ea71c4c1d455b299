import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { startDemo, type RunningDemo } from './support/demo-server.js';
import { openDemoPage } from './support/pages.js';
import { screenshotDir } from './support/screenshots.js';

// The demo's rooms, as two people in two windows: a shared document with its "who is here" bar,
// reader colours and typing, and a conversation whose typing line shows the other one typing.

let demo: RunningDemo;
let browser: Browser;
beforeAll(async () => {
  [demo, browser] = await Promise.all([startDemo({ timeoutSeconds: 60, marginSeconds: 20 }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

const bar = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelector('presence-here')!.shadowRoot!.querySelectorAll('[part~="item"]:not(.leave)')].map(
      (item) => item.querySelector('[part~="avatar"]')!.getAttribute('title'),
    ),
  );
const outline = (page: Page, name: string) =>
  page.evaluate((name) => {
    const here = document.querySelector('presence-here')!.shadowRoot!;
    const avatar = here.querySelector(`[part~="avatar"][title="${name}"]`)!;
    return getComputedStyle(avatar).outlineColor;
  }, name);
const typing = (page: Page) =>
  page.evaluate(() => document.querySelector('presence-typing')!.shadowRoot!.textContent!.trim());

describe('the demo rooms', () => {
  it('a shared document: both readers in the bar, a colour picked by one outlines them for the other, typing shows live', async () => {
    const ada = await openDemoPage(browser, demo.url, '/docs/roadmap', { as: 'ada' });
    const grace = await openDemoPage(browser, demo.url, '/docs/roadmap', { as: 'grace' });
    await expect.poll(() => bar(ada.page), { timeout: 5000 }).toEqual(['Ada Lovelace', 'Grace Hopper']);
    await expect.poll(() => bar(grace.page), { timeout: 5000 }).toEqual(['Ada Lovelace', 'Grace Hopper']);

    await ada.page.getByRole('button', { name: 'Colour #e91e63' }).click();
    await expect.poll(() => outline(grace.page, 'Ada Lovelace'), { timeout: 3000 }).toBe('rgb(233, 30, 99)');
    await ada.page.getByRole('textbox', { name: 'Note' }).pressSequentially('hello');
    await expect.poll(() => typing(grace.page), { timeout: 3000 }).toBe('Ada Lovelace is typing…');
    await grace.page.screenshot({ path: join(screenshotDir(), 'demo-document-room.png') });
    await ada.page.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => typing(grace.page), { timeout: 2000 }).toBe('');
    await ada.context.close();
    await grace.context.close();
  });

  it('a conversation: the other one typing shows above the composer', async () => {
    const ada = await openDemoPage(browser, demo.url, '/messages/grace', { as: 'ada' });
    const grace = await openDemoPage(browser, demo.url, '/messages/ada', { as: 'grace' });
    await expect.poll(() => bar(grace.page), { timeout: 5000 }).toEqual(['Ada Lovelace', 'Grace Hopper']);
    await ada.page.getByRole('textbox', { name: 'Message' }).pressSequentially('hi');
    await expect.poll(() => typing(grace.page), { timeout: 3000 }).toBe('Ada Lovelace is typing…');
    await ada.context.close();
    await grace.context.close();
  });
});
