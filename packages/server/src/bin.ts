#!/usr/bin/env node
import { Hono } from 'hono';
import { parseTrustProxy } from './client-key.js';
import { createPresence } from './create-presence.js';
import { shownUrl } from './redis/redis-config.js';
import { servePresence } from './serve.js';

/**
 * The standalone presence server on an embedded SQLite file, or on Redis as one node of several.
 *   PORT (default 8787), HOST (127.0.0.1), PRESENCE_DB (presence.db),
 *   PRESENCE_REDIS_URL: run on Redis instead (redis://host:6379); PRESENCE_DB is then unused.
 *   PRESENCE_TIMEOUT_SECONDS (60), PRESENCE_ONLINE_MARGIN_SECONDS (20),
 *   PRESENCE_IDLE_SECONDS: tell idle from online, idle after this many seconds without activity
 *   with a page open (300 as Zulip; unset: idle off).
 *   PRESENCE_USER_HEADER: a header set by your auth proxy naming the signed-in user
 *   (e.g. x-forwarded-user); requests carrying it count as activity.
 *   PRESENCE_TRUST_PROXY: the reverse proxies in front, as a count (1) or their addresses
 *   (10.0.0.2,10.0.0.3), so per-client stream limits apply to clients, not to the proxy.
 */
const env = process.env;
const userHeader = env.PRESENCE_USER_HEADER?.toLowerCase();
const redis = env.PRESENCE_REDIS_URL || undefined;
const idleSeconds = env.PRESENCE_IDLE_SECONDS ? Number(env.PRESENCE_IDLE_SECONDS) : undefined;
if (idleSeconds !== undefined && !(idleSeconds > 0)) {
  console.error(
    `presence-kit: PRESENCE_IDLE_SECONDS must be a number of seconds above 0 (got "${env.PRESENCE_IDLE_SECONDS}"); leave it unset for idle off.`,
  );
  process.exit(1);
}
const presence = createPresence({
  ...(redis ? { redis } : { db: env.PRESENCE_DB ?? 'presence.db' }),
  trustProxy: parseTrustProxy(env.PRESENCE_TRUST_PROXY),
  ...(idleSeconds === undefined ? {} : { idleSeconds }),
  ...(userHeader ? { resolveUser: (c) => c.req.header(userHeader) ?? null } : {}),
});
// A Redis that cannot be reached stops the server here; presence has logged the one sentence why.
await presence.ready.catch(() => process.exit(1));
const app = new Hono();
app.use(presence.track);
app.route('/presence', presence.app);
app.get('/', (c) =>
  c.text(
    'presence-kit server: see /presence/roster, /presence/status?uids=…, and docs/PROTOCOL.md for /presence/stream?v=2 and POST /presence/subscribe\n',
  ),
);

const running = await servePresence({
  app,
  presence,
  port: Number(env.PORT ?? 8787),
  hostname: env.HOST ?? '127.0.0.1',
});
const storage = redis ? `redis ${shownUrl(redis)}` : `db ${env.PRESENCE_DB ?? 'presence.db'}`;
console.log(
  `presence-kit listening on ${running.url} (${storage}, window ${presence.window.timeoutSeconds}s + ${presence.window.marginSeconds}s${presence.options.idleSeconds === null ? '' : `, idle after ${presence.options.idleSeconds}s`})`,
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void running.close().then(() => process.exit(0));
  });
}
