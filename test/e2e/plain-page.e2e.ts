import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  app.get('/presence-kit.js', (c) => c.body(readFileSync(file('packages/elements/dist/presence-kit.js'), 'utf8'), 200, { 'content-type': 'text/javascript' }));
  app.get('/avatars/7.svg', (c) => c.body('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="#888"/></svg>', 200, { 'content-type': 'image/svg+xml' }));
  app.get('/', (c) => c.html(plainHtml));
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

  it('shows Grace come online live, in the dot, the label and the roster, over one connection', async () => {
    const page = await browser.newPage();
    await page.addInitScript(COUNT_EVENT_SOURCES);
    await page.goto(running.url);
    await page.waitForFunction(() => document.querySelector('presence-status')?.shadowRoot?.textContent?.includes('offline'));

    presence.touch('7');
    await page.waitForFunction(() => document.querySelector('presence-dot')?.getAttribute('state') === 'online');
    await page.waitForFunction(() => document.querySelector('presence-status')?.shadowRoot?.textContent?.includes('online'));
    await page.waitForFunction(() => (document.querySelector('online-now') as HTMLElement & { count: number })?.count === 1);
    const stats = await eventSourceStats(page);
    expect(stats.created).toBe(1);
    expect(stats.urls[0]).toMatch(/\/presence\/stream\?uids=7&roster=1$/);
    await page.close();
  });
});
