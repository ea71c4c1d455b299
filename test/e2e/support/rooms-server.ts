import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { createPresence, type Presence, type PresenceOptions } from '../../../packages/server/src/index.js';
import { tempDbPath } from '../../support/index.js';

const file = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

export interface RoomsServer {
  url: string;
  presence: Presence;
  /** Every `room` frame's data the streams sent, in order. */
  roomFrames: string[];
  close(): Promise<void>;
}

/**
 * A host whose people sign in with a `user` cookie, serving the script-tag bundle (build it
 * with `buildBundle`) and `/doc/:id`, a document page with its "who is here" bar and typing
 * line. The page records the bar's join and leave events in `window.__events`.
 */
export async function startRoomsServer(options: Partial<PresenceOptions> = {}): Promise<RoomsServer> {
  const db = tempDbPath();
  const presence = createPresence({
    db: db.path,
    tickMs: 100,
    resolveUser: (c) => getCookie(c, 'user') ?? null,
    log: () => {},
    ...options,
  });
  for (const [uid, name] of [
    ['ada', 'Ada'],
    ['bea', 'Bea'],
    ['cy', 'Cy'],
  ])
    presence.upsertUser({ uid: uid!, name: name!, avatar: null });
  const app = new Hono();
  app.route('/presence', presence.app);
  for (const name of ['presence-kit.js', 'presence-kit-worker.js']) {
    app.get(`/${name}`, (c) =>
      c.body(readFileSync(file(`packages/elements/dist/${name}`), 'utf8'), 200, { 'content-type': 'text/javascript' }),
    );
  }
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/doc/:id', (c) => {
    const room = `doc:${c.req.param('id')}`;
    const transport = c.req.query('transport');
    return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${room}</title>
      <meta name="presence-endpoint" content="/presence">
      ${transport ? `<meta name="presence-transport" content="${transport === 'leader' ? 'leader' : 'tab'}">` : ''}
      <script type="module" src="/presence-kit.js"></script>
      <script>
        window.__events = [];
        for (const type of ['presence-join', 'presence-leave'])
          document.addEventListener(type, (event) => window.__events.push(type + ' ' + event.entry.uid));
      </script></head>
      <body>${presence.renderHere(room, { max: 12 })}<presence-typing room="${room}"></presence-typing></body></html>`);
  });

  const roomFrames: string[] = [];
  const listener = getRequestListener(app.fetch);
  const http = createServer((req, res) => {
    if (req.url?.startsWith('/presence/stream')) {
      const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
      res.write = ((chunk: unknown, ...rest: unknown[]) => {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
        for (const event of text.split('\n\n'))
          if (/^event: room$/m.test(event)) roomFrames.push(/^data: (.*)$/m.exec(event)![1]!);
        return write(chunk, ...rest);
      }) as typeof res.write;
    }
    void listener(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    presence,
    roomFrames,
    close: async () => {
      presence.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      db.cleanup();
    },
  };
}
