import type { Browser, BrowserContext, Page } from 'playwright-core';
import { COUNT_EVENT_SOURCES, type EventSourceStats } from '../../support/browser.js';

/** Every page of the demo a visitor can reach, the gallery included. */
export const DEMO_PAGES = [
  { name: 'feed', path: '/' },
  { name: 'messages', path: '/messages/grace' },
  { name: 'profile', path: '/u/grace' },
  { name: 'gallery', path: '/gallery' },
  { name: 'simulator', path: '/simulator' },
] as const;

export interface OpenOptions {
  /** Signed in as this demo user; omitted: a guest. */
  as?: string;
  colorScheme?: 'light' | 'dark';
  width?: number;
  height?: number;
}

/** A fresh browser context on `path` of the demo at `base`, with its elements defined and drawn. */
export async function openDemoPage(
  browser: Browser,
  base: string,
  path: string,
  options: OpenOptions = {},
): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({
    colorScheme: options.colorScheme ?? 'light',
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
  });
  await context.addInitScript(COUNT_EVENT_SOURCES);
  const page = await context.newPage();
  await page.goto(`${base}/signin?as=${options.as ?? ''}&next=${encodeURIComponent(path)}`);
  await waitForElements(page);
  return { page, context };
}

/** The elements are defined and every dot is drawn. */
export async function waitForElements(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      customElements.get('presence-dot') !== undefined &&
      (window as unknown as { __eventSources?: EventSourceStats }).__eventSources !== undefined,
  );
  await page.waitForFunction(() =>
    [...document.querySelectorAll('presence-dot[uid]')].every((d) => d.shadowRoot?.querySelector('[part~="dot"]')),
  );
}
