#!/usr/bin/env node
import { Hono, type Context } from 'hono';
import { DEFAULT_ROOM_GRACE_SECONDS, isValidUid } from '@presence-kit/core';
import { fromTrustedPeer, normalizedTrust, parseTrustProxy } from './client-key.js';
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
 *   (e.g. x-forwarded-user); requests carrying it count as activity. With PRESENCE_TRUST_PROXY
 *   as addresses, only requests straight from one of them are believed.
 *   PRESENCE_NAME_HEADER: a header set by the same proxy with the user's display name
 *   (e.g. x-forwarded-preferred-username), which rosters, room bars and typing lines show.
 *   PRESENCE_TRUST_PROXY: the reverse proxies in front, as a count (1) or their addresses
 *   (10.0.0.2,10.0.0.3), so per-client stream limits apply to clients, not to the proxy.
 *   PRESENCE_ROOM_GRACE_SECONDS (30): how long a room member stays after their last page there closed.
 */
const env = process.env;
const userHeader = env.PRESENCE_USER_HEADER?.toLowerCase();
const redis = env.PRESENCE_REDIS_URL || undefined;
/** A seconds variable, or undefined when unset; any other value stops the start, naming the variable. */
function secondsVar(name: string, zeroAllowed: boolean, unset: string): number | undefined {
  const text = env[name];
  if (!text) return undefined;
  const value = Number(text);
  if (zeroAllowed ? value >= 0 : value > 0) return value;
  console.error(
    `presence-kit: ${name} must be a number of seconds${zeroAllowed ? ', 0 or more' : ' above 0'} (got "${text}"); leave it unset for ${unset}.`,
  );
  process.exit(1);
}
const idleSeconds = secondsVar('PRESENCE_IDLE_SECONDS', false, 'idle off');
const roomGraceSeconds = secondsVar('PRESENCE_ROOM_GRACE_SECONDS', true, String(DEFAULT_ROOM_GRACE_SECONDS));
const trustProxy = parseTrustProxy(env.PRESENCE_TRUST_PROXY);
const trustedPeers = normalizedTrust(trustProxy);
let warnedUntrusted = false;
/** The auth proxy's header, believed only from a listed proxy: anyone else reaching the port could name any user. */
function userFromHeader(header: string) {
  return (c: Context): string | null => {
    const user = c.req.header(header);
    if (user === undefined) return null;
    if (fromTrustedPeer(c, trustedPeers)) {
      rememberName(c, user);
      return user;
    }
    if (!warnedUntrusted) {
      warnedUntrusted = true;
      console.warn(
        `presence-kit: ignored ${header} on a request that did not come from a proxy in PRESENCE_TRUST_PROXY; add the proxy's address there if it is yours.`,
      );
    }
    return null;
  };
}
const nameHeader = env.PRESENCE_NAME_HEADER?.toLowerCase();
/** The names stored in this process, so a request writes one only when it changed (bounded: the oldest go). */
const storedNames = new Map<string, string>();
const MAX_STORED_NAMES = 10_000;
/** Stores the proxy's display name for a signed-in request when it is new or changed. */
function rememberName(c: Context, uid: string): void {
  const name = nameHeader && c.req.header(nameHeader)?.trim().slice(0, 200);
  // An id the uid rule refuses is skipped (and logged) by presence itself.
  if (!name || !isValidUid(uid) || storedNames.get(uid) === name) return;
  storedNames.delete(uid);
  storedNames.set(uid, name);
  if (storedNames.size > MAX_STORED_NAMES) storedNames.delete(storedNames.keys().next().value!);
  presence.upsertUser({ uid, name });
}
const presence = createPresence({
  ...(redis ? { redis } : { db: env.PRESENCE_DB ?? 'presence.db' }),
  trustProxy,
  ...(roomGraceSeconds === undefined ? {} : { roomGraceSeconds }),
  ...(idleSeconds === undefined ? {} : { idleSeconds }),
  ...(userHeader ? { resolveUser: userFromHeader(userHeader) } : {}),
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
