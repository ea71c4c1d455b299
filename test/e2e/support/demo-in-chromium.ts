import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from '../../support/browser.js';
import { startDemo, type RunningDemo } from './demo-server.js';

export interface DemoInChromium {
  readonly demo: RunningDemo;
  readonly browser: Browser;
}

/**
 * The built demo on the default window, its crowd off, and one Chromium: started before a
 * test file's tests (side by side) and stopped after them. Read the fields inside tests.
 */
export function demoInChromium(): DemoInChromium {
  const running = {} as { demo: RunningDemo; browser: Browser };
  beforeAll(async () => {
    [running.demo, running.browser] = await Promise.all([
      startDemo({ timeoutSeconds: 60, marginSeconds: 20, crowd: false }),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await running.browser?.close();
    await running.demo?.stop();
  });
  return running;
}
