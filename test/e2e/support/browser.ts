import { chromium, type Browser } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../../chromium.mjs';

/** Debian's Chromium with the flags this machine needs (never a downloaded browser). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
}

/**
 * Counts EventSource constructions and closes in the page, installed before any page
 * script runs: the page must hold ONE presence connection however many dots it shows.
 */
export const COUNT_EVENT_SOURCES = `(() => {
  const Native = window.EventSource;
  const stats = { created: 0, closed: 0, urls: [] };
  window.__eventSources = stats;
  window.EventSource = class extends Native {
    constructor(url, init) {
      super(url, init);
      stats.created += 1;
      stats.urls.push(String(url));
    }
    close() {
      if (this.readyState !== 2) stats.closed += 1;
      super.close();
    }
  };
})();`;

export interface EventSourceStats {
  created: number;
  closed: number;
  urls: string[];
}
