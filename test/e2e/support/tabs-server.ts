import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { build } from 'vite';
import { getCookie } from 'hono/cookie';
import { createPresence, type Presence, type PresenceOptions } from '../../../packages/server/src/index.js';
import { tempDbPath } from '../../support/index.js';

const file = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

/** What the presence streams sent, read at the socket: what every tab of a browser received in all. */
export interface StreamTraffic {
  streams: number;
  bytes: number;
  /** Uid entries in snapshot frames (`on`, `off`, `never`). */
  snapshotEntries: number;
  presenceFrames: number;
}

export interface TabsServer {
  url: string;
  presence: Presence;
  traffic: StreamTraffic;
  resetTraffic(): void;
  /** Requests to `/presence/stream`, refused or not. */
  streamRequests: number;
  /** `POST /presence/activity` requests: the browsers' activity reports. */
  activityReports: number;
  close(): Promise<void>;
}

/** The script-tag bundle and its worker, built once for the files that serve it. */
export async function buildBundle(): Promise<void> {
  await build({ configFile: file('packages/elements/vite.bundle.config.ts'), logLevel: 'error' });
}

/**
 * A plain host over HTTP/1.1 (6 connections per origin): the bundle, its worker, the
 * presence sub-app, and `/page?uids=a,b[&transport=leader][&activity=off]`, a page of dots. A browser
 * whose `uid` cookie is set is that signed-in user (the activity middleware counts its requests and
 * reports). `presenceApp` replaces the presence sub-app (an older server); `presence` adds options.
 */
export async function startTabsServer(
  options: { presenceApp?: Hono; presence?: Partial<PresenceOptions> } = {},
): Promise<TabsServer> {
  const db = tempDbPath();
  const presence = createPresence({
    db: db.path,
    tickMs: 100,
    timeoutSeconds: 60,
    log: () => {},
    resolveUser: (c) => getCookie(c, 'uid') ?? null,
    ...options.presence,
  });
  const app = new Hono();
  app.use(presence.track);
  app.route('/presence', options.presenceApp ?? presence.app);
  for (const name of ['presence-kit.js', 'presence-kit-worker.js']) {
    app.get(`/${name}`, (c) =>
      c.body(readFileSync(file(`packages/elements/dist/${name}`), 'utf8'), 200, { 'content-type': 'text/javascript' }),
    );
  }
  app.get('/ping', (c) => c.text('pong'));
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/page', (c) => {
    const uids = (c.req.query('uids') ?? '').split(',').filter(Boolean);
    const transport = c.req.query('transport');
    const activity = c.req.query('activity');
    const ssr = c.req.query('ssr') === '1';
    const dots = uids.map((uid) =>
      ssr
        ? presence.renderDot(presence.users([uid]).get(uid) ?? { uid, last_seen: null })
        : `<presence-dot uid="${uid}"></presence-dot>`,
    );
    return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>tabs</title>
      <meta name="presence-endpoint" content="/presence">
      ${transport ? `<meta name="presence-transport" content="${transport}">` : ''}
      ${activity === 'off' ? `<meta name="presence-activity" content="off">` : ''}
      <script type="module" src="/presence-kit.js"></script>
      <script type="module">
        // What the first render showed, before any frame of this page's stream could arrive.
        await customElements.whenDefined('presence-dot');
        const dots = [...document.querySelectorAll('presence-dot')];
        await Promise.all(dots.map((dot) => dot.updateComplete));
        window.__firstPaint = dots.map((dot) => ({ uid: dot.uid, state: dot.state, live: dot.status.live }));
      </script></head>
      <body>${dots.join('')}</body></html>`);
  });

  const traffic: StreamTraffic = { streams: 0, bytes: 0, snapshotEntries: 0, presenceFrames: 0 };
  const server: TabsServer = {
    url: '',
    presence,
    traffic,
    streamRequests: 0,
    activityReports: 0,
    resetTraffic: () => Object.assign(traffic, { streams: 0, bytes: 0, snapshotEntries: 0, presenceFrames: 0 }),
    close: async () => {
      presence.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      db.cleanup();
    },
  };
  const listener = getRequestListener(app.fetch);
  const http = createServer((req, res) => {
    if (req.url?.startsWith('/presence/activity')) server.activityReports += 1;
    if (req.url?.startsWith('/presence/stream')) {
      server.streamRequests += 1;
      countStream(res, traffic);
    }
    void listener(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  server.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return server;
}

function countStream(res: ServerResponse, traffic: StreamTraffic): void {
  let counted = false;
  const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (res.statusCode === 200 && !counted) {
      counted = true;
      traffic.streams += 1;
    }
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    traffic.bytes += Buffer.byteLength(text);
    for (const event of text.split('\n\n')) {
      const data = /^data: (.*)$/m.exec(event)?.[1];
      if (!data) continue;
      if (/^event: snapshot$/m.test(event)) {
        const frame = JSON.parse(data) as { on?: string[]; off?: object; never?: string[] };
        traffic.snapshotEntries +=
          (frame.on?.length ?? 0) + Object.keys(frame.off ?? {}).length + (frame.never?.length ?? 0);
      } else if (/^event: presence$/m.test(event)) traffic.presenceFrames += 1;
    }
    return write(chunk, ...rest);
  }) as typeof res.write;
}
