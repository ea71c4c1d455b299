import { existsSync } from 'node:fs';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { createPresence, type Presence } from '@presence-kit/server';
import { avatarSvg, placeholderUser } from './avatar.js';
import { html, type Safe } from './html.js';
import { feedBody } from './pages/feed.js';
import { FROZEN_WINDOW, galleryBody } from './pages/gallery.js';
import { layout } from './pages/layout.js';
import { messagesBody } from './pages/messages.js';
import { DOCUMENTS, documentBody } from './pages/document.js';
import { profileBody } from './pages/profile.js';
import { simulatorPanel, type PanelContext } from './pages/simulator-panel.js';
import { Simulator } from './simulator.js';
import { USERS, avatarUrl, findUser } from './users.js';
import { loadRows, type Theme, type View } from './view.js';
import { serveBuilt } from './static-files.js';

export const USER_COOKIE = 'demo_user';

export interface DemoOptions {
  /** SQLite file (or ':memory:'). */
  db: string;
  /** Where `vite build` put the front end. */
  clientDir: string;
  timeoutSeconds?: number;
  marginSeconds?: number;
  /** Tell idle from online: idle after this many seconds with a tab open and no interaction. Default: idle off. */
  idleSeconds?: number;
  /** Start with the crowd coming and going. Default true. */
  crowd?: boolean;
  log?: (message: string) => void;
}

export interface Demo {
  app: Hono;
  presence: Presence;
  simulator: Simulator;
  /** The simulator's requests go to the running server; call once it listens. */
  listening(url: string): Promise<void>;
  /** Stops the simulator (the server's `close()` stops presence). */
  stop(): void;
}

/** The signed-in user: the cookie the account switcher sets, if it names someone in the cast. */
function signedIn(c: Context): string | null {
  return findUser(getCookie(c, USER_COOKIE))?.uid ?? null;
}

function themeOf(c: Context): Theme {
  const t = c.req.query('theme');
  return t === 'light' || t === 'dark' ? t : null;
}

/** Builds the demo app around the kit: presence, the simulator, pages, and the built front end. */
export function createDemo(options: DemoOptions): Demo {
  const log = options.log ?? ((m: string) => console.warn(m));
  const presence = createPresence({
    db: options.db,
    resolveUser: signedIn,
    ...(options.timeoutSeconds !== undefined ? { timeoutSeconds: options.timeoutSeconds } : {}),
    ...(options.marginSeconds !== undefined ? { marginSeconds: options.marginSeconds } : {}),
    ...(options.idleSeconds !== undefined ? { idleSeconds: options.idleSeconds } : {}),
    log,
  });
  for (const u of USERS) presence.upsertUser({ uid: u.uid, name: u.name, avatar: avatarUrl(u.uid) });

  let baseUrl: string | null = null;
  const simulator = new Simulator({
    uids: USERS.map((u) => u.uid),
    intervalMs: Math.max(1000, presence.options.writeSeconds * 1000),
    log,
    // A real request as that user, through `presence.track` like any page load.
    ping: async (uid) => {
      if (!baseUrl) throw new Error('the server is not listening yet');
      const res = await fetch(`${baseUrl}/api/ping`, { headers: { cookie: `${USER_COOKIE}=${uid}` } });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    },
    // A tab left open: a real presence stream as that user (an open page of theirs), read and discarded.
    openPage: (uid) => {
      const abort = new AbortController();
      if (baseUrl)
        void fetch(`${baseUrl}/presence/stream?v=2`, {
          headers: { cookie: `${USER_COOKIE}=${uid}`, accept: 'text/event-stream' },
          signal: abort.signal,
        })
          .then((res) => res.body?.pipeTo(new WritableStream()))
          .catch(() => {});
      return () => abort.abort();
    },
  });

  const panel = (): PanelContext => ({
    state: simulator.state(),
    timeoutSeconds: presence.window.timeoutSeconds,
    marginSeconds: presence.window.marginSeconds,
    writeSeconds: presence.options.writeSeconds,
  });
  const view = (c: Context, extra: Partial<View> = {}): View => ({
    presence,
    me: findUser(signedIn(c)),
    path: c.req.path,
    theme: themeOf(c),
    rows: loadRows(presence),
    ...extra,
  });
  // The kit's markup and snapshots state the server's window; only the gallery's frozen
  // examples, which no server speaks for, get one of their own.
  const page = (
    c: Context,
    v: View,
    title: string,
    name: string,
    body: Safe,
    withDrawer = true,
    fallbackWindow?: string,
  ) => c.html(layout(v, { title, page: name, body, drawer: withDrawer ? panel() : null, fallbackWindow }));

  const app = new Hono();
  // Assets first: they are not activity, and need no user.
  const built = serveBuilt(options.clientDir);
  app.get('/assets/*', built);
  app.get('/avatars/:file{[A-Za-z0-9_.:@-]+\\.svg}', (c) => {
    const uid = c.req.param('file').replace(/\.svg$/, '');
    const user = findUser(uid) ?? placeholderUser(uid);
    return c.body(avatarSvg(user), 200, { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=3600' });
  });
  app.get('/favicon.svg', (c) =>
    c.body(
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="6" fill="#1f883d"/></svg>`,
      200,
      {
        'content-type': 'image/svg+xml',
      },
    ),
  );

  app.use(presence.track);
  app.route('/presence', presence.app);

  // What simulated users request: one ordinary API call, recorded by `presence.track` above.
  app.get('/api/ping', (c) => c.body(null, 204));

  app.get('/signin', (c) => {
    const uid = c.req.query('as') ?? '';
    const next = c.req.query('next') ?? '/';
    const safeNext = next.startsWith('/') && !next.startsWith('//') ? next : '/';
    if (findUser(uid)) setCookie(c, USER_COOKIE, uid, { path: '/', httpOnly: true, sameSite: 'Lax' });
    else deleteCookie(c, USER_COOKIE, { path: '/' });
    return c.redirect(safeNext, 303);
  });

  app.get('/', (c) => {
    const v = view(c);
    return page(c, v, 'Feed', 'feed', feedBody(v));
  });
  app.get('/profile', (c) => c.redirect(`/u/${signedIn(c) ?? USERS[0]!.uid}`, 302));
  app.get('/u/:uid', (c) => {
    const user = findUser(c.req.param('uid'));
    if (!user)
      return c.html(
        layout(view(c), { title: 'Not found', page: 'error', body: notFound('No such person in the demo.') }),
        404,
      );
    const v = view(c);
    return page(c, v, user.name, 'profile', profileBody(v, user));
  });
  app.get('/messages/:uid?', (c) => {
    const me = signedIn(c);
    const uid = c.req.param('uid') ?? USERS.find((u) => u.uid !== me)!.uid;
    const other = findUser(uid);
    if (!other)
      return c.html(
        layout(view(c), { title: 'Not found', page: 'error', body: notFound('No conversation with that person.') }),
        404,
      );
    const v = view(c);
    return page(c, v, `Messages · ${other.name}`, 'messages', messagesBody(v, other));
  });
  app.get('/docs/:id?', (c) => {
    const id = c.req.param('id') ?? 'roadmap';
    if (!DOCUMENTS[id])
      return c.html(layout(view(c), { title: 'Not found', page: 'error', body: notFound('No such document.') }), 404);
    const v = view(c);
    return page(c, v, DOCUMENTS[id].title, 'document', documentBody(v, id));
  });
  app.get('/gallery', (c) => {
    // No meta endpoint on this page: the frozen state examples stay static; live ones carry the endpoint.
    const v = view(c, { endpointAttribute: '/presence' });
    return page(c, v, 'Gallery', 'gallery', galleryBody(v, Date.now()), true, FROZEN_WINDOW);
  });
  app.get('/simulator', (c) => {
    const v = view(c);
    return page(c, v, 'Simulator', 'simulator', simulatorPanel(v, panel(), 'h1'), false);
  });

  // The simulator API: the panel's buttons. Each answers with the simulator's new state.
  const simState = (c: Context) => c.json(simulator.state());
  const simUser = async (c: Context): Promise<string | Response> => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ error: { code: 'invalid_body', message: 'Send JSON like {"uid": "ada"}.' } }, 400);
    }
    const uid = typeof body === 'object' && body !== null ? (body as { uid?: unknown }).uid : undefined;
    if (typeof uid !== 'string' || !simulator.knows(uid)) {
      return c.json(
        {
          error: {
            code: 'unknown_user',
            message: `Pick a uid from the demo cast: ${USERS.map((u) => u.uid).join(', ')}.`,
          },
        },
        400,
      );
    }
    return uid;
  };
  app.get('/api/simulator', simState);
  app.post('/api/simulator/active', async (c) => {
    const uid = await simUser(c);
    if (typeof uid !== 'string') return uid;
    await simulator.activate(uid);
    return simState(c);
  });
  app.post('/api/simulator/idle', async (c) => {
    const uid = await simUser(c);
    if (typeof uid !== 'string') return uid;
    simulator.idle(uid);
    return simState(c);
  });
  app.post('/api/simulator/leave', async (c) => {
    const uid = await simUser(c);
    if (typeof uid !== 'string') return uid;
    simulator.leave(uid);
    return simState(c);
  });
  app.post('/api/simulator/idle-all', (c) => {
    simulator.idleEveryone();
    return simState(c);
  });
  app.post('/api/simulator/crowd', async (c) => {
    const body: unknown = await c.req.json().catch(() => null);
    const on = typeof body === 'object' && body !== null ? (body as { on?: unknown }).on : undefined;
    if (typeof on !== 'boolean')
      return c.json({ error: { code: 'invalid_body', message: 'Send JSON like {"on": true}.' } }, 400);
    await simulator.setCrowd(on);
    return simState(c);
  });

  app.notFound((c) =>
    c.html(layout(view(c), { title: 'Not found', page: 'error', body: notFound('This page does not exist.') }), 404),
  );

  if (!existsSync(options.clientDir)) {
    log(
      `demo: no front end in ${options.clientDir}; run \`npm run demo:build\` (pages render, but without live updates).`,
    );
  }

  return {
    app,
    presence,
    simulator,
    async listening(url) {
      baseUrl = url;
      if (options.crowd ?? true) await simulator.setCrowd(true);
    },
    stop: () => simulator.stop(),
  };
}

function notFound(message: string): Safe {
  return html`<section class="card empty">
    <h1>Not found</h1>
    <p>${message}</p>
    <p><a href="/">Back to the feed</a></p>
  </section>`;
}
