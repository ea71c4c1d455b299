/**
 * Scenario 6 — client: headless Chromium loads a page with N `<presence-dot>`s over N
 * distinct uids from a real presence server. Counted: streams opened (must be 1), time
 * from the snapshot's arrival to every dot painted, time from one change's frame to its
 * dot repainted, and JS heap and DOM nodes per dot — next to the same page with N plain
 * `<span>` dots and no script (the baseline). The page holds its own connection
 * (`presence-transport` = `tab`), so its one stream is the page's; 9-tabs measures sharing.
 */
import { build } from 'esbuild';
import { Hono } from 'hono';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { createPresence, servePresence } from '@presence-kit/server';
import { fmt, isMain, publish, quick, table } from './lib/report.js';
import { median } from './lib/stats.js';
import { COUNT_EVENT_SOURCES, eventSourceStats, launchChromium } from '../test/support/browser.js';
import { internalsOf } from '../packages/server/src/internals.js';

export interface ClientOptions {
  dots: number;
  changes: number;
}

export interface ClientResult {
  dots: number;
  eventSources: number;
  streamRequests: number;
  snapshotToPaintedMs: number;
  navigationToPaintedMs: number;
  changeToPaintedMs: number[];
  heapPerDot: number;
  heapKiB: { empty: number; spans: number; emptyWithScript: number; dots: number };
  nodesPerDot: number;
  nodesPerSpan: number;
  listenersPerDot: number;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The elements' define entry bundled for the browser from the TypeScript sources. */
async function bundleElements(): Promise<string> {
  const out = await build({
    entryPoints: [join(root, 'packages/elements/src/define.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    conditions: ['source'],
    tsconfig: join(root, 'packages/elements/tsconfig.json'),
    logLevel: 'warning',
  });
  return out.outputFiles[0]?.text ?? '';
}

/**
 * Installed before any page script, after the shared EventSource counter: stamps
 * snapshot/presence arrival, then watches for paint.
 */
const INSTRUMENT = `
  window.__bench = { snapshotAt: 0, presenceAt: [] };
  const Counted = window.EventSource;
  window.EventSource = class extends Counted {
    constructor(url, init) {
      super(url, init);
      // Added before the store's own listeners, so these stamps come first.
      this.addEventListener('snapshot', () => { if (!window.__bench.snapshotAt) window.__bench.snapshotAt = performance.now(); });
      this.addEventListener('presence', () => window.__bench.presenceAt.push(performance.now()));
    }
  };
  // Resolves at the first animation frame after every dot shows its expected state:
  // that frame's callbacks run after the previous frame (the one with the change) was painted.
  window.__painted = (test) => new Promise((resolve) => {
    const check = () => (test() ? requestAnimationFrame(() => resolve(performance.now())) : requestAnimationFrame(check));
    check();
  });
  window.__allShown = () => [...document.querySelectorAll('presence-dot')].every((d) => d.getAttribute('state') === d.dataset.expect);
`;

function pageHtml(kind: 'dots' | 'spans' | 'empty', n: number): string {
  const items = Array.from({ length: kind === 'empty' ? 0 : n }, (_, i) =>
    kind === 'dots'
      ? `<presence-dot uid="u${i}" data-expect="${i % 2 === 0 ? 'online' : 'away'}"></presence-dot>`
      : `<span class="dot" title="user ${i}"></span>`,
  ).join('\n');
  const script = kind === 'spans' ? '' : '<script type="module" src="/elements.js"></script>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="presence-endpoint" content="/presence"><meta name="presence-transport" content="tab">
<style>.dot{display:inline-block;width:10px;height:10px;border-radius:50%;background:#8c959f}</style>${script}</head><body>${items}</body></html>`;
}

async function heapAndNodes(page: Page): Promise<{ heap: number; nodes: number; listeners: number }> {
  const cdp = await page.context().newCDPSession(page);
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const dom = await cdp.send('Memory.getDOMCounters');
  await cdp.detach();
  return { heap: heap.usedSize, nodes: dom.nodes, listeners: dom.jsEventListeners };
}

export async function runClient(o: ClientOptions): Promise<{ result: ClientResult; markdown: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'presence-client-'));
  const presence = createPresence({ db: join(dir, 'presence.db'), maxUids: Math.max(1000, o.dots), log: () => {} });
  const seenAgo = Date.now() - 3_600_000;
  for (let i = 0; i < o.dots; i++) {
    if (i % 2 === 0) presence.touch(`u${i}`);
    else internalsOf(presence).store.touch(`u${i}`, seenAgo);
  }
  internalsOf(presence).relay.tick();
  const script = await bundleElements();
  let streamRequests = 0;
  const app = new Hono();
  app.use('/presence/stream', async (_c, next) => {
    streamRequests++;
    await next();
  });
  app.route('/presence', presence.app);
  app.get('/elements.js', (c) => c.body(script, 200, { 'content-type': 'text/javascript' }));
  app.get('/:kind', (c) => c.html(pageHtml(c.req.param('kind') as 'dots' | 'spans' | 'empty', o.dots)));
  const server = await servePresence({ app, presence });
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext()).newPage();
    await page.addInitScript(COUNT_EVENT_SOURCES);
    await page.addInitScript(INSTRUMENT);

    // Baselines first: an empty page with the script, and N plain spans with none.
    await page.goto(`${server.url}/empty`, { waitUntil: 'load' });
    const empty = await heapAndNodes(page);
    await page.goto(`${server.url}/spans`, { waitUntil: 'load' });
    const spans = await heapAndNodes(page);
    await page.goto(`${server.url}/empty`, { waitUntil: 'load' });
    const emptyWithScript = await heapAndNodes(page);

    streamRequests = 0;
    await page.goto(`${server.url}/dots`, { waitUntil: 'commit' });
    const paintedAt = await page.evaluate(() => (window as any).__painted((window as any).__allShown));
    const { snapshotAt } = await page.evaluate(() => (window as any).__bench);
    const navigationToPaintedMs = paintedAt as number;
    const snapshotToPaintedMs = (paintedAt as number) - snapshotAt;

    const changeToPaintedMs: number[] = [];
    for (let k = 0; k < o.changes; k++) {
      const i = 2 * k + 1; // an 'away' user comes online
      await page.evaluate((uid) => {
        const dot = document.querySelector(`presence-dot[uid="${uid}"]`) as HTMLElement;
        dot.dataset.expect = 'online';
      }, `u${i}`);
      const before = await page.evaluate(() => (window as any).__bench.presenceAt.length as number);
      const painted = page.evaluate(() => (window as any).__painted((window as any).__allShown) as Promise<number>);
      presence.touch(`u${i}`);
      const at = await painted;
      const frames = await page.evaluate(() => (window as any).__bench.presenceAt as number[]);
      if (frames.length !== before + 1)
        throw new Error(`expected one presence frame for one change, got ${frames.length - before}`);
      changeToPaintedMs.push(at - (frames[before] as number));
    }
    const dots = await heapAndNodes(page);
    const eventSources = (await eventSourceStats(page)).created;
    const result: ClientResult = {
      dots: o.dots,
      eventSources,
      streamRequests,
      snapshotToPaintedMs,
      navigationToPaintedMs,
      changeToPaintedMs,
      heapPerDot: (dots.heap - emptyWithScript.heap) / o.dots,
      heapKiB: {
        empty: empty.heap / 1024,
        spans: spans.heap / 1024,
        emptyWithScript: emptyWithScript.heap / 1024,
        dots: dots.heap / 1024,
      },
      nodesPerDot: (dots.nodes - emptyWithScript.nodes) / o.dots,
      nodesPerSpan: (spans.nodes - empty.nodes) / o.dots,
      listenersPerDot: (dots.listeners - emptyWithScript.listeners) / o.dots,
    };
    const markdown = [
      `Headless Chromium (${browser.version()}), ${fmt.n(o.dots)} \`<presence-dot>\`s over ${fmt.n(o.dots)} distinct uids (half online, half away), served with the elements bundled from source; painted = the first animation frame after every dot shows its state (frames are ~16.7 ms apart, so times are that coarse). Baseline: the same page with ${fmt.n(o.dots)} plain \`<span>\` dots and no script.`,
      '',
      table(
        [
          'streams opened (EventSource / server)',
          'snapshot → all dots painted ms',
          'navigation → all dots painted ms',
          `one change: frame → dot repainted ms (median / max of ${o.changes})`,
          'JS heap per dot B',
          'page JS heap KiB: empty / plain spans / script only / dots',
          'DOM nodes per dot (plain span)',
          'JS listeners per dot',
        ],
        [
          [
            `${result.eventSources} / ${result.streamRequests}`,
            fmt.ms(result.snapshotToPaintedMs),
            fmt.ms(result.navigationToPaintedMs),
            `${fmt.ms(median(changeToPaintedMs))} / ${fmt.ms(Math.max(...changeToPaintedMs))}`,
            fmt.n(result.heapPerDot),
            [result.heapKiB.empty, result.heapKiB.spans, result.heapKiB.emptyWithScript, result.heapKiB.dots]
              .map((x) => fmt.n(x))
              .join(' / '),
            `${fmt.n(result.nodesPerDot, 1)} (${fmt.n(result.nodesPerSpan, 1)})`,
            fmt.n(result.listenersPerDot, 1),
          ],
        ],
      ),
    ].join('\n');
    return { result, markdown };
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const { markdown } = await runClient({ dots: quick ? 200 : 1000, changes: quick ? 3 : 10 });
  publish('6-client', markdown);
}
