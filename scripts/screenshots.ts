/**
 * Regenerates docs/screenshot.png (the README's picture of the demo): builds the front
 * end, starts the real demo server, brings a few simulated people online through the
 * simulator, and photographs the feed in headless Chromium.
 *
 *   npm run screenshots
 */
import { join } from 'node:path';
import { launchChromium } from '../test/support/browser.js';
import { REPO, buildDemoClient, startDemo } from '../test/e2e/support/demo-server.js';

const OUT = join(REPO, 'docs/screenshot.png');
const ONLINE = ['grace', 'linus', 'margaret', 'radia', 'ken'];

await buildDemoClient();
const demo = await startDemo({ timeoutSeconds: 60, marginSeconds: 20, crowd: false });
const browser = await launchChromium();
try {
  const context = await browser.newContext({
    colorScheme: 'light',
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  await page.goto(`${demo.url}/signin?as=ada&next=/`);
  for (const uid of ONLINE) {
    const res = await page.request.post(`${demo.url}/api/simulator/active`, { data: { uid } });
    if (!res.ok()) throw new Error(`the simulator refused ${uid}: HTTP ${res.status()}`);
  }
  // Load the feed after they arrived: the server renders them online (no arrival toasts in the picture).
  await page.goto(`${demo.url}/`);
  // Everyone made active is in the Online now panel (plus Ada, who is browsing).
  await page.waitForFunction((n) => (document.querySelector('online-now')?.count ?? 0) >= n, ONLINE.length + 1, {
    timeout: 15_000,
  });
  await page.waitForFunction(() => document.fonts.ready.then(() => true));
  // Let the roster's enter animations finish before the picture.
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
  await page.screenshot({ path: OUT });
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
  await demo.stop();
}
