import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzippedSize, statedSize } from '../../packages/elements/scripts/bundle-size.js';
import { createPresence, servePresence, type RunningServer } from '../../packages/server/src/index.js';
import { COUNT_EVENT_SOURCES, eventSourceStats, launchChromium } from '../support/browser.js';
import { tempDbPath } from '../support/index.js';

const file = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const plainHtml = readFileSync(file('packages/elements/examples/plain.html'), 'utf8');

let browser: Browser;
let running: RunningServer;
const db = tempDbPath();
const presence = createPresence({ db: db.path, tickMs: 100, log: () => {} });

beforeAll(async () => {
  await build({ configFile: file('packages/elements/vite.bundle.config.ts') });
  presence.upsertUser({ uid: '7', name: 'Grace', avatar: '/avatars/7.svg' });
  // A host with no bundler: static files, the presence sub-app, and the plain page.
  const app = new Hono();
  app.route('/presence', presence.app);
  // The bundle and, beside it, the SharedWorker it starts.
  for (const name of ['presence-kit.js', 'presence-kit-worker.js']) {
    app.get(`/${name}`, (c) =>
      c.body(readFileSync(file(`packages/elements/dist/${name}`), 'utf8'), 200, { 'content-type': 'text/javascript' }),
    );
  }
  app.get('/avatars/7.svg', (c) =>
    c.body(
      '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="#888"/></svg>',
      200,
      { 'content-type': 'image/svg+xml' },
    ),
  );
  app.get('/', (c) => c.html(plainHtml));
  // Browsers ask for one; a 404 here would be the page's only console line.
  app.get('/favicon.ico', (c) => c.body(null, 204));
  running = await servePresence({ app, presence });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await running?.close();
  db.cleanup();
});

describe('a plain HTML page with one script tag', () => {
  it('is quoted verbatim in the README', () => {
    expect(readFileSync(file('README.md'), 'utf8')).toContain(plainHtml.trim());
  });

  it("states the bundle's real gzipped size in the README (npm run build writes it)", () => {
    const bundle = readFileSync(file('packages/elements/dist/presence-kit.js'));
    expect(statedSize(readFileSync(file('README.md'), 'utf8'))).toBe(gzippedSize(bundle));
    // Lit's development build says so in its code; the production build has no such string.
    expect(bundle.toString('utf8')).not.toContain('dev mode');
  });

  it('shows Grace come online live, in the dot, the label and the roster, over one connection', async () => {
    const page = await browser.newPage();
    // A plain page using the bundle logs nothing: no "Lit is in dev mode", no errors.
    const logged: string[] = [];
    page.on('console', (message) => logged.push(`${message.type()}: ${message.text()} (${message.location().url})`));
    page.on('pageerror', (error) => logged.push(`pageerror: ${error.message}`));
    await page.addInitScript(COUNT_EVENT_SOURCES);
    await page.goto(running.url);
    await page.waitForFunction(() =>
      document.querySelector('presence-status')?.shadowRoot?.textContent?.includes('offline'),
    );

    presence.touch('7');
    await page.waitForFunction(() => document.querySelector('presence-dot')?.getAttribute('state') === 'online');
    await page.waitForFunction(() =>
      document.querySelector('presence-status')?.shadowRoot?.textContent?.includes('online'),
    );
    await page.waitForFunction(
      () => (document.querySelector('online-now') as HTMLElement & { count: number })?.count === 1,
    );
    // The shared worker beside the bundle holds the one stream, for this tab and any other.
    const stats = await eventSourceStats(page);
    expect(stats.created).toBe(0);
    expect(stats.workers).toEqual([`${running.url}/presence-kit-worker.js`]);
    expect(presence.stats().streams).toBe(1);
    expect(logged).toEqual([]);
    await page.close();
  });
});
