/**
 * Scenario 9 — tabs: one browser profile opens N tabs of one site over HTTP/1.1, each
 * showing the same team (plus one uid of its own), while team members come online at a
 * steady rate. Counted per path (the per-tab connection every tab held before issue 11,
 * the Web Locks leader, the SharedWorker): tabs whose page loaded, presence streams the
 * server holds, and the stream bytes the browser received, scaled to a browser-hour.
 */
import type { Page } from 'playwright-core';
import { fmt, isMain, publish, quick, table } from './lib/report.js';
import { buildBundle, startTabsServer } from '../test/e2e/support/tabs-server.js';
import { launchChromium } from '../test/support/browser.js';

export type TabsPath = 'tab' | 'leader' | 'worker';

export interface TabsOptions {
  tabs: number;
  team: number;
  /** Team members who come online, one at a time, during the measured period. */
  changes: number;
  /** Between two changes. */
  intervalMs: number;
}

export interface TabsRow {
  path: TabsPath;
  tabs: number;
  loaded: number;
  /** Tabs whose every dot went live. */
  live: number;
  streams: number;
  bytes: number;
  measuredMs: number;
  bytesPerBrowserHour: number;
  /** Tabs that showed every change. */
  sawEveryChange: number;
}

const LOAD_TIMEOUT_MS = 5000;

export async function runTabs(o: TabsOptions): Promise<{ rows: TabsRow[]; markdown: string }> {
  await buildBundle();
  const browser = await launchChromium();
  const rows: TabsRow[] = [];
  try {
    for (const path of ['tab', 'leader', 'worker'] as const) rows.push(await measure(path, o, browser));
  } finally {
    await browser.close();
  }
  const before = rows[0]!;
  const markdown = [
    `${o.tabs} tabs of one origin in one browser profile, over HTTP/1.1 (6 connections per origin), each showing a team of ${o.team} (and one uid of its own); ${o.changes} team members come online, one every ${o.intervalMs / 1000} s. A page that has not loaded after ${LOAD_TIMEOUT_MS / 1000} s counts as not loaded. Bytes are the presence streams' bodies as the server wrote them, all tabs together: the openings once, plus the measured rate of changes and keep-alives over an hour (one change every ${o.intervalMs / 1000} s).`,
    '',
    table(
      [
        'path',
        'tabs loaded',
        'tabs live',
        'tabs that saw every change',
        'server streams',
        'stream KiB / browser-hour',
        'vs one connection per tab',
      ],
      rows.map((r) => [
        r.path === 'tab'
          ? 'one connection per tab (before)'
          : r.path === 'leader'
            ? 'Web Locks leader tab'
            : 'SharedWorker',
        `${r.loaded} of ${r.tabs}`,
        `${r.live} of ${r.tabs}`,
        `${r.sawEveryChange} of ${r.tabs}`,
        fmt.n(r.streams),
        fmt.n(r.bytesPerBrowserHour / 1024, 1),
        r === before ? '—' : fmt.ratio(r.bytesPerBrowserHour / before.bytesPerBrowserHour),
      ]),
    ),
  ].join('\n');
  return { rows, markdown };
}

async function measure(
  path: TabsPath,
  o: TabsOptions,
  browser: Awaited<ReturnType<typeof launchChromium>>,
): Promise<TabsRow> {
  const server = await startTabsServer();
  const context = await browser.newContext();
  const team = Array.from({ length: o.team }, (_, i) => `member-${i}`);
  const pages: Page[] = [];
  let loaded = 0;
  try {
    const started = Date.now();
    for (let i = 0; i < o.tabs; i += 1) {
      const page = await context.newPage();
      pages.push(page);
      const ok = await page
        .goto(`${server.url}/page?uids=${[...team, `own-${i}`].join(',')}&transport=${path}`, {
          waitUntil: 'load',
          timeout: LOAD_TIMEOUT_MS,
        })
        .then(() => true)
        .catch(() => false);
      if (ok) loaded += 1;
    }
    const live = (page: Page) =>
      page
        .waitForFunction(
          () =>
            [...document.querySelectorAll('presence-dot')].every(
              (dot) => (dot as unknown as { status: { live: boolean } }).status.live,
            ),
          undefined,
          { timeout: LOAD_TIMEOUT_MS },
        )
        .then(() => true)
        .catch(() => false);
    const liveTabs = (await Promise.all(pages.map(live))).filter(Boolean).length;
    const opening = server.traffic.bytes;
    const steadyFrom = Date.now();
    for (let i = 0; i < o.changes; i += 1) {
      server.presence.touch(team[i % team.length]!);
      await new Promise((resolve) => setTimeout(resolve, o.intervalMs));
    }
    const changed = team.slice(0, Math.min(o.changes, team.length));
    const sawAll = (page: Page) =>
      page
        .waitForFunction(
          (uids) =>
            uids.every(
              (uid) => document.querySelector(`presence-dot[uid="${uid}"]`)?.getAttribute('state') === 'online',
            ),
          changed,
          { timeout: 2000 },
        )
        .then(() => true)
        .catch(() => false);
    const saw = (await Promise.all(pages.map(sawAll))).filter(Boolean).length;
    const measuredMs = Date.now() - started;
    const bytes = server.traffic.bytes;
    // One opening per browser-hour, then the measured rate of changes and keep-alives for the rest of it.
    const steadyMs = Date.now() - steadyFrom;
    return {
      path,
      tabs: o.tabs,
      loaded,
      live: liveTabs,
      streams: server.presence.stats().streams,
      bytes,
      measuredMs,
      bytesPerBrowserHour: opening + ((bytes - opening) / steadyMs) * 3_600_000,
      sawEveryChange: saw,
    };
  } finally {
    await context.close();
    await server.close();
  }
}

if (isMain(import.meta.url)) {
  const { markdown } = await runTabs({ tabs: 8, team: 20, changes: quick ? 5 : 20, intervalMs: 1000 });
  publish('9-tabs', markdown);
}
