// Browser tests for packages/elements, in headless Chromium, against the REAL presence
// server: its Hono app is mounted at /presence inside wtr's own dev server (same
// origin, so EventSource just works), and tests drive it through server commands.
// Needs the server's dist/ (`npm run build`; `npm test` builds it via lint first).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { createPresence } from '@presence-kit/server';
// Relay ticks by hand are for tests only: the kit's internals, not its public API.
import { internalsOf } from './packages/server/dist/internals.js';
import { chromiumArgs, chromiumPath } from './test/chromium.mjs';

/** The server under test: one presence instance at a time, on a SQLite file in a temp dir. */
const server = {
  dir: mkdtempSync(join(tmpdir(), 'presence-wtr-')),
  file: '',
  generation: 0,
  /** Added to the real clock: tests move server time forward instead of sleeping. */
  skewMs: 0,
  options: { timeoutSeconds: 10, marginSeconds: 5 },
  presence: undefined,
  root: undefined,
  /** While true the endpoint answers 503, like a server that is down or deploying. */
  down: false,
};

const now = () => Date.now() + server.skewMs;

function start() {
  server.presence = createPresence({
    db: server.file,
    now,
    ...server.options,
    // Every touch writes, so a test can make a user active again at any moment.
    writeSeconds: 0.001,
    retryMs: 500,
    log: (message) => console.warn(message),
  });
  server.root = new Hono().route('/presence', server.presence.app);
}

/** A fresh server and database (each test file starts with one). */
function reset(options = {}) {
  server.presence?.close();
  server.generation += 1;
  server.file = join(server.dir, `presence-${server.generation}.db`);
  server.skewMs = 0;
  server.down = false;
  server.options = { timeoutSeconds: 10, marginSeconds: 5, ...options };
  start();
}
reset();

const listener = getRequestListener((request, env) => server.root.fetch(request, env));

const commands = {
  'presence:reset': (payload) => (reset(payload ?? {}), true),
  /** Activity for a uid, optionally with the name and avatar the roster shows. */
  'presence:touch': ({ uid, name, avatar }) => {
    if (name !== undefined || avatar !== undefined) server.presence.upsertUser({ uid, name, avatar });
    return server.presence.touch(uid);
  },
  'presence:user': (profile) => (server.presence.upsertUser(profile), true),
  'presence:advance': ({ seconds }) => {
    server.skewMs += seconds * 1000;
    return now();
  },
  'presence:tick': () => internalsOf(server.presence).relay.tick(),
  'presence:now': () => now(),
  'presence:stats': () => ({
    connections: server.presence.stats().streams,
    watchedUids: server.presence.stats().watchedUids,
  }),
  /** Stops the server (its streams end), optionally lets time pass, and starts a new one on the same database. */
  'presence:restart': ({ advanceSeconds = 0 } = {}) => {
    server.presence.close();
    server.skewMs += advanceSeconds * 1000;
    start();
    return true;
  },
  /** Takes the endpoint down: open streams end and every new request gets a 503 until `presence:up`. */
  'presence:down': () => {
    server.down = true;
    server.presence.close();
    return true;
  },
  'presence:up': () => {
    server.down = false;
    start();
    return true;
  },
};

/** @type {import('@web/test-runner').TestRunnerPlugin} */
const presenceCommands = {
  name: 'presence-commands',
  executeCommand({ command, payload }) {
    const run = commands[command];
    return run ? run(payload) : undefined;
  },
};

/**
 * `aria-snapshot` {selector}: the accessibility tree Chromium computed (roles and
 * accessible names) as Playwright's ARIA snapshot text, e.g. `- img "online"`.
 */
/** @type {import('@web/test-runner').TestRunnerPlugin} */
const ariaSnapshot = {
  name: 'aria-snapshot',
  executeCommand({ command, payload, session }) {
    if (command !== 'aria-snapshot') return undefined;
    const page = session.browser.getPage(session.id);
    return page.locator(payload?.selector ?? 'body').ariaSnapshot();
  },
};

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['packages/elements/test/**/*.test.ts'],
  nodeResolve: { exportConditions: ['source'] },
  // One page at a time: the test files share the one server and its clock.
  concurrency: 1,
  testFramework: { config: { timeout: 10_000 } },
  middleware: [
    async (ctx, next) => {
      if (ctx.path !== '/presence' && !ctx.path.startsWith('/presence/')) return next();
      // Hono answers on the raw Node response; koa must not touch it. Awaiting it lets
      // wtr read the real status afterwards (it reports 404s per test file).
      if (server.down) {
        ctx.status = 503;
        ctx.body = { error: { code: 'internal', message: 'The presence server is down for this test.' } };
        return;
      }
      ctx.respond = false;
      await listener(ctx.req, ctx.res);
    },
  ],
  plugins: [
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'packages/elements/tsconfig.json' }),
    presenceCommands,
    ariaSnapshot,
  ],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: { executablePath: chromiumPath, headless: true, args: chromiumArgs },
    }),
  ],
};

process.once('exit', () => {
  server.presence?.close();
  rmSync(server.dir, { recursive: true, force: true });
});
