import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../chromium.mjs';
import type { EventSourceCounts } from './event-source-counter.js';

/** Debian's Chromium with the flags this machine needs (never a downloaded browser). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
}

/** The EventSource counter, for `page.addInitScript(COUNT_EVENT_SOURCES)`: installed before any page script runs. */
export const COUNT_EVENT_SOURCES = { path: fileURLToPath(new URL('./event-source-counter.js', import.meta.url)) };

export type EventSourceStats = Omit<EventSourceCounts, 'sources'>;

/** What the counter saw in `page` so far. */
export function eventSourceStats(page: Page): Promise<EventSourceStats> {
  return page.evaluate(() => {
    const { created, closed, urls, workers } = window.__eventSources;
    return { created, closed, urls, workers };
  });
}
