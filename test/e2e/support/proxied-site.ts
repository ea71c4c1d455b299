import { readFileSync } from 'node:fs';
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { spawnServer, tempDbPath, type ServerProcess } from '../../support/index.js';

const file = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

export interface ProxiedSite {
  url: string;
  server: ServerProcess;
  /** Streams the proxy holds open to the presence server now. */
  openStreams: number;
  /** `POST /presence/activity` requests the proxy passed on. */
  activityReports: number;
  /** Who is in `room`, as the presence server answers through the proxy. */
  members(room: string): Promise<{ count: number; members: { uid: string }[] }>;
  close(): Promise<void>;
}

/**
 * A site as deployed: a front proxy that serves its own pages and the bundle, signs people in
 * from a `user` cookie into `X-Forwarded-User` (the auth proxy's header; a client's own is
 * dropped), appends the peer to `X-Forwarded-For`, and passes `/presence/*` to the standalone
 * server (`bin.ts`, with `PRESENCE_TRUST_PROXY=1`) over a pool of keep-alive upstream connections,
 * as nginx's `keepalive` does. `/doc?room=…&uids=a,b` is a page with the room's bar, its typing
 * line and dots for `uids`; `/page?uids=a,b` the dots alone. Pages record the bar's join and leave
 * events in `window.__events`.
 */
export async function startProxiedSite(env: Record<string, string> = {}): Promise<ProxiedSite> {
  const db = tempDbPath();
  const server = await spawnServer(db.path, { PRESENCE_TRUST_PROXY: '1', ...env });
  const upstream = new URL(server.url);
  const agent = new Agent({ keepAlive: true, maxFreeSockets: 4 });
  const bundle = Object.fromEntries(
    ['presence-kit.js', 'presence-kit-worker.js'].map((name) => [
      `/${name}`,
      readFileSync(file(`packages/elements/dist/${name}`), 'utf8'),
    ]),
  );

  const site: ProxiedSite = {
    url: '',
    server,
    openStreams: 0,
    activityReports: 0,
    members: async (room) => (await fetch(`${site.url}/presence/rooms/${encodeURIComponent(room)}`)).json() as never,
    close: async () => {
      front.closeAllConnections();
      await new Promise((resolve) => front.close(resolve));
      agent.destroy();
      server.child.kill('SIGTERM');
      await server.exited;
      db.cleanup();
    },
  };

  const pass = (req: IncomingMessage, res: ServerResponse) => {
    const user = /(?:^|;\s*)user=([^;]*)/.exec(req.headers.cookie ?? '')?.[1];
    const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: upstream.host };
    delete headers['x-forwarded-user'];
    if (user) headers['x-forwarded-user'] = decodeURIComponent(user);
    headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
    const isStream = req.url!.startsWith('/presence/stream');
    if (req.url!.startsWith('/presence/activity')) site.activityReports += 1;
    const hop = request({
      host: upstream.hostname,
      port: upstream.port,
      path: req.url,
      method: req.method,
      headers,
      agent,
    });
    hop.on('response', (answer) => {
      const streaming = isStream && answer.statusCode === 200;
      if (streaming) site.openStreams += 1;
      answer.once('close', () => {
        if (streaming) site.openStreams -= 1;
      });
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    hop.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    // The browser went away (a closed tab, a dropped stream): so does the upstream request.
    res.on('close', () => {
      if (!res.writableFinished) hop.destroy();
    });
    req.pipe(hop);
  };

  const front = createServer((req, res) => {
    const url = new URL(req.url!, 'http://site');
    if (url.pathname.startsWith('/presence/')) return pass(req, res);
    if (bundle[url.pathname] !== undefined)
      return res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle[url.pathname]);
    if (url.pathname === '/doc' || url.pathname === '/page') {
      const room = escape(url.searchParams.get('room') ?? '');
      const uids = (url.searchParams.get('uids') ?? '').split(',').filter(Boolean);
      const dots = uids.map((uid) => `<presence-dot uid="${escape(uid)}"></presence-dot>`).join('');
      const bar = `<presence-here room="${room}" max="12"></presence-here><presence-typing room="${room}"></presence-typing>`;
      const body = (url.pathname === '/doc' ? bar : '') + dots;
      return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>site</title>
      <meta name="presence-endpoint" content="/presence">
      <script type="module" src="/presence-kit.js"></script>
      <script>
        window.__events = [];
        for (const type of ['presence-join', 'presence-leave'])
          document.addEventListener(type, (event) => window.__events.push(type + ' ' + event.entry.uid));
      </script></head><body>${body}</body></html>`);
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  site.url = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  return site;
}

const escape = (text: string) =>
  text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);
