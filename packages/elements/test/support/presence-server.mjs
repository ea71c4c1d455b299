// The REAL presence server for the browser tests: its Hono app is mounted at /presence
// inside web-test-runner's own dev server (same origin, so EventSource just works), and
// tests drive it through server commands (`server.*` in ./helpers.ts).
// Needs the server's dist/ (`npm run build`; `npm test` builds it via lint first).
//
// A new command: add it to `commands` below and its typed wrapper to `server` in ./helpers.ts.
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { createPresence } from '@presence-kit/server';
// Relay ticks by hand are for tests only: the kit's internals, not its public API.
import { internalsOf } from '../../../server/dist/internals.js';
import { tempDbPath } from '../../../../test/support/temp.mjs';

const DEFAULTS = { timeoutSeconds: 10, marginSeconds: 5 };

/**
 * The server under test: one presence instance at a time, on a fresh SQLite file per
 * reset. Returns the koa middleware that serves /presence and the plugin that runs the
 * `presence:*` commands; both go in web-test-runner.config.mjs.
 */
export function presenceServer() {
  const state = {
    db: undefined,
    /** Added to the real clock: tests move server time forward instead of sleeping. */
    skewMs: 0,
    options: DEFAULTS,
    presence: undefined,
    root: undefined,
    /** While true the endpoint answers 503, like a server that is down or deploying. */
    down: false,
    /** While set, subscribe requests wait for `presence:release-subscribes` (a slow network, a stalled proxy). */
    held: null,
    /** How many of the next subscribe requests answer 503 (a node cut off from its cluster). */
    busySubscribes: 0,
    /** Sessions the tests open on the server's side, as other people in rooms: uid → the stream's reader. */
    others: new Map(),
    /** What the presence streams sent since the last `presence:traffic` reset: what a browser received. */
    traffic: { streams: 0, bytes: 0, subscribes: 0, reports: 0 },
    /** The page's signed-in user (`presence:sign-in`): whose activity its requests and reports are; null is a guest. */
    user: null,
    /** While true, `/presence/activity` answers 404, like a server older than the page's reports. */
    noActivityRoute: false,
    /** Pages other people hold open (`presence:open-page`): their presence streams, by uid. */
    pages: new Map(),
  };

  const now = () => Date.now() + state.skewMs;

  function start() {
    // A function cannot cross the command boundary: `authorizeRoomDenies` names the one room refused.
    const { authorizeRoomDenies, ...options } = state.options;
    state.presence = createPresence({
      db: state.db.path,
      now,
      ...options,
      ...(authorizeRoomDenies ? { authorizeRoom: (_c, room) => room !== authorizeRoomDenies } : {}),
      // Every touch writes, so a test can make a user active again at any moment (unless it asks for a period).
      writeSeconds: 0.001,
      ...state.options,
      retryMs: 500,
      // A held page (`presence:open-page`) names its user in a header; the page signs in with a cookie
      // (`signIn` in ./helpers.ts: rooms need a member) or by the server command `server.signIn`.
      resolveUser: (c) => c.req.header('x-test-user') ?? getCookie(c, 'presence-test-user') ?? state.user,
      log: (message) => console.warn(message),
    });
    // The activity middleware in front, as a host mounts it: the page's requests and reports are its user's activity.
    state.root = new Hono().use(state.presence.track).route('/presence', state.presence.app);
  }

  function closePages() {
    for (const page of state.pages.values()) page.abort();
    state.pages.clear();
  }

  function stop() {
    for (const reader of state.others.values()) void reader.cancel();
    state.others.clear();
    closePages();
    state.presence?.close();
    state.db?.cleanup();
  }

  /** A fresh server and database (each test file starts with one). */
  function reset(options = {}) {
    stop();
    state.db = tempDbPath();
    state.skewMs = 0;
    state.down = false;
    state.user = null;
    state.noActivityRoute = false;
    state.options = { ...DEFAULTS, ...options };
    start();
  }

  const asUser = (uid) => ({ cookie: `presence-test-user=${uid}` });
  /** Opens a session as `uid` in process and enters `room`: another person, on another device. */
  async function enterAs({ uid, room }) {
    const response = await state.root.request('/presence/stream?v=2', { headers: asUser(uid) });
    const reader = response.body.getReader();
    let text = '';
    while (!/"sid":"([^"]+)"/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    const sid = /"sid":"([^"]+)"/.exec(text)[1];
    // Keep reading, so the stream never backs up.
    void (async () => {
      while (!(await reader.read().catch(() => ({ done: true }))).done);
    })();
    state.others.set(uid, reader);
    const answer = await state.root.request('/presence/subscribe', {
      method: 'POST',
      headers: { ...asUser(uid), 'content-type': 'application/json' },
      body: JSON.stringify({ sid, rooms: { [room]: {} } }),
    });
    return answer.status;
  }
  const postAs = async (uid, path, body) =>
    (
      await state.root.request(`/presence/${path}`, {
        method: 'POST',
        headers: { ...asUser(uid), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).status;

  const commands = {
    /** Another person enters a room (a session of theirs, held by the server side of the test). */
    'presence:enter-as': (payload) => enterAs(payload),
    /** That person's page closes (they leave after the grace). */
    'presence:leave-as': async ({ uid }) => {
      await state.others.get(uid)?.cancel();
      state.others.delete(uid);
      return true;
    },
    'presence:room-state-as': ({ uid, room, state: value }) => postAs(uid, 'room-state', { room, state: value }),
    'presence:typing-as': ({ uid, room, typing }) => postAs(uid, 'room-typing', { room, typing }),
    'presence:room-tick': () => internalsOf(state.presence).rooms.tick(),
    'presence:room-members': ({ room }) => state.presence.roomMembers(room),
    'presence:reset': (payload) => (reset(payload ?? {}), true),
    /** Activity for a uid, optionally with the name and avatar the roster shows. */
    'presence:touch': ({ uid, name, avatar }) => {
      if (name !== undefined || avatar !== undefined) state.presence.upsertUser({ uid, name, avatar });
      return state.presence.touch(uid);
    },
    'presence:user': (profile) => (state.presence.upsertUser(profile), true),
    'presence:sign-in': ({ uid }) => ((state.user = uid), true),
    'presence:without-activity-route': () => ((state.noActivityRoute = true), true),
    /** Someone else's page, open without interaction: a presence stream of theirs the server holds, read and dropped. */
    'presence:open-page': async ({ uid }) => {
      const page = new AbortController();
      const response = await state.root.request('/presence/stream?v=2', {
        headers: { 'x-test-user': uid, accept: 'text/event-stream' },
        signal: page.signal,
      });
      void response.body?.pipeTo(new WritableStream(), { signal: page.signal }).catch(() => {});
      state.pages.get(uid)?.abort();
      state.pages.set(uid, page);
      return true;
    },
    /** That page closes. */
    'presence:close-page': ({ uid }) => {
      state.pages.get(uid)?.abort();
      state.pages.delete(uid);
      return true;
    },
    /** The stored last activity of a uid (epoch ms), or null. */
    'presence:last-seen': ({ uid }) => ({ lastSeen: state.presence.users([uid]).get(uid)?.last_seen ?? null }),
    'presence:advance': ({ seconds }) => {
      state.skewMs += seconds * 1000;
      return now();
    },
    'presence:tick': () => internalsOf(state.presence).relay.tick(),
    'presence:now': () => now(),
    /** Streams opened, bytes they sent, subscription changes and activity reports since the last call with `{ reset: true }`. */
    'presence:traffic': ({ reset = false } = {}) => {
      const traffic = { ...state.traffic };
      if (reset) state.traffic = { streams: 0, bytes: 0, subscribes: 0, reports: 0 };
      return traffic;
    },
    'presence:stats': () => ({
      connections: state.presence.stats().streams,
      watchedUids: state.presence.stats().watchedUids,
    }),
    /** Stops the server (its streams end), optionally lets time pass, and starts a new one on the same database. */
    'presence:restart': ({ advanceSeconds = 0 } = {}) => {
      state.presence.close();
      state.skewMs += advanceSeconds * 1000;
      start();
      return true;
    },
    /** Takes the endpoint down: open streams end and every new request gets a 503 until `presence:up`. */
    'presence:down': () => {
      state.down = true;
      state.presence.close();
      return true;
    },
    /** Subscribe requests from now on get no answer until `presence:release-subscribes`. */
    'presence:hold-subscribes': () => {
      let release;
      const gate = new Promise((resolve) => (release = resolve));
      state.held = { gate, release, waiting: 0 };
      return true;
    },
    /** How many subscribe requests wait; then answers them (each by whichever server runs by then). */
    'presence:release-subscribes': () => {
      const held = state.held;
      state.held = null;
      held?.release();
      return held?.waiting ?? 0;
    },
    'presence:held-subscribes': () => state.held?.waiting ?? 0,
    'presence:busy-subscribes': ({ count }) => ((state.busySubscribes = count), true),
    'presence:up': () => {
      state.down = false;
      start();
      return true;
    },
  };

  /** Counts the body bytes a stream writes (not its headers): the frames a browser receives. */
  function countStream(res) {
    state.traffic.streams += 1;
    const write = res.write.bind(res);
    res.write = (chunk, ...rest) => {
      state.traffic.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      return write(chunk, ...rest);
    };
  }

  const listener = getRequestListener((request, env) => state.root.fetch(request, env));

  /** @type {import('@web/test-runner').TestRunnerConfig['middleware'][number]} */
  const middleware = async (ctx, next) => {
    if (ctx.path !== '/presence' && !ctx.path.startsWith('/presence/')) return next();
    // Hono answers on the raw Node response; koa must not touch it. Awaiting it lets
    // wtr read the real status afterwards (it reports 404s per test file).
    if (state.down) {
      ctx.status = 503;
      ctx.body = { error: { code: 'internal', message: 'The presence server is down for this test.' } };
      return;
    }
    ctx.respond = false;
    if (ctx.path === '/presence/stream') countStream(ctx.res);
    if (ctx.path === '/presence/activity') {
      state.traffic.reports += 1;
      if (state.noActivityRoute) {
        ctx.respond = true;
        ctx.status = 404;
        ctx.body = { error: { code: 'not_found', message: 'No such presence endpoint; use /stream or /subscribe.' } };
        return;
      }
    }
    if (ctx.path === '/presence/subscribe') {
      state.traffic.subscribes += 1;
      if (state.busySubscribes > 0) {
        state.busySubscribes -= 1;
        ctx.respond = true;
        ctx.status = 503;
        ctx.set('retry-after', '1');
        ctx.body = { error: { code: 'unavailable', message: 'The presence cluster is out of reach for this test.' } };
        return;
      }
      if (state.held) {
        state.held.waiting += 1;
        await state.held.gate;
      }
    }
    await listener(ctx.req, ctx.res);
  };

  /** @type {import('@web/test-runner').TestRunnerPlugin} */
  const plugin = {
    name: 'presence-server',
    serverStart() {
      reset();
    },
    serverStop() {
      stop();
    },
    executeCommand({ command, payload }) {
      const run = commands[command];
      return run ? run(payload) : undefined;
    },
  };

  return { middleware, plugin };
}
