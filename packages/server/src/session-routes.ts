import type { Context, Hono } from 'hono';
import { EVENT, PROTOCOL_VERSION, isValidUid, type HelloFrame } from '@presence-kit/core';
import { currentUser } from './current-user.js';
import type { PresenceEngine } from './engine.js';
import { errorResponse } from './errors.js';
import type { FaultLog } from './fault-log.js';
import type { ResolvedOptions } from './options.js';
import type { Relay } from './relay.js';
import { checkAuthorized, checkParams, limitBody } from './request-checks.js';
import { Session } from './sessions.js';
import { nodeBindings, openConnection } from './node-stream.js';
import { sseFrame } from './sse-frame.js';
import { parseSubscription, subscribeHere } from './subscribe.js';
import { applyRooms, checkRooms, memberProfile } from './rooms/room-subscription.js';
import type { Rooms } from './rooms/rooms.js';

const STREAM_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // nginx and friends buffer responses unless told not to; a buffered stream is a dead one.
  'x-accel-buffering': 'no',
};

const UPDATE = `update @presence-kit/elements to the release of @presence-kit/server this site runs`;

/**
 * The session routes: `GET /stream?v=2` opens a session (its hello names it), and
 * `POST /subscribe` changes what it watches, in place.
 */
export function sessionRoutes(
  app: Hono,
  relay: Relay,
  engine: PresenceEngine,
  o: ResolvedOptions,
  faults: FaultLog,
  rooms: Rooms,
): void {
  const streamsPerClient = new Map<string, number>();
  // One function for every stream's end, so a stream holds no closure of its own beyond the call.
  const ended = (session: Session, key: string) => {
    relay.sessions.delete(session);
    if (session.user !== null) engine.pages?.closed(session.user);
    const left = (streamsPerClient.get(key) ?? 1) - 1;
    if (left <= 0) streamsPerClient.delete(key);
    else streamsPerClient.set(key, left);
  };

  app.get('/stream', async (c) => {
    const refused = checkVersion(c) ?? checkParams(c, ['v']);
    if (refused) return refused;
    const retryAfter = { 'retry-after': String(Math.ceil(o.retryMs / 1000) * 5) };
    if (relay.sessions.size >= o.maxStreams) {
      return errorResponse(
        c,
        503,
        'too_many_streams',
        'This server holds its maximum of presence streams; retry shortly.',
        retryAfter,
      );
    }
    const key = o.clientKey(c);
    const open = streamsPerClient.get(key) ?? 0;
    if (open >= o.maxStreamsPerClient) return tooManyFor(c, o, retryAfter);
    // Asked before the stream counts against its client, so a slow resolveUser holds no slot.
    const raw = await currentUser(c, o, faults);
    const user = raw !== null && isValidUid(raw) ? raw : null;
    const opened = streamsPerClient.get(key) ?? 0;
    if (opened >= o.maxStreamsPerClient) return tooManyFor(c, o, retryAfter);
    streamsPerClient.set(key, opened + 1);

    const node = nodeBindings(c);
    const connection = openConnection(node, o.maxBufferedBytes, () => ended(session, key));
    const session = new Session(connection, relay.sidPrefix, user);
    relay.sessions.add(session);
    if (user !== null) engine.pages?.opened(user);
    const headers: Record<string, string> = { ...STREAM_HEADERS };
    // A portable stream's own ETag: it never ends, so middleware that hashes the whole body
    // (etag()) would wait forever unless the response has one. Unique, so no request can match
    // it. Written to the Node response, the answer has no body to hash.
    if (!node) headers.etag = `W/"stream-${crypto.randomUUID()}"`;
    // A stream ends only when the server ends it (presence.close(), a slow client dropped): over
    // HTTP/1.1 its socket closes with it, so no idle keep-alive socket holds server.close() up
    // and a reconnect finds the server as it is now. (HTTP/2 forbids the header.)
    if (node?.incoming.httpVersionMajor === 1) headers.connection = 'close';

    const { timeoutSeconds, marginSeconds } = relay.window;
    const hello: HelloFrame = {
      v: PROTOCOL_VERSION,
      sid: session.sid,
      t: o.now(),
      window: [timeoutSeconds, marginSeconds],
      epoch: relay.log.epoch,
      write: o.writeSeconds,
    };
    if (o.idleSeconds !== null) hello.idle = o.idleSeconds;
    // One write: an idle stream then has a single frame in flight (sse-connection.ts keeps no list for it).
    connection.write(sseFrame({ retry: o.retryMs }) + sseFrame({ event: EVENT.hello, data: JSON.stringify(hello) }));
    return connection.respond(c, headers);
  });

  app.post(
    '/subscribe',
    limitBody({
      // Room for add, remove and known at maxUids uids of the longest allowed length each, quoted and separated.
      maxSize: o.maxUids * 70 * 3 + 1024,
      onError: (c) =>
        errorResponse(
          c,
          413,
          'payload_too_large',
          `The body is too large; a change may name at most ${o.maxUids} uids per list.`,
        ),
    }),
    async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return errorResponse(c, 400, 'invalid_body', 'The body must be JSON like {"sid": "…", "add": ["1", "2"]}.');
      }
      const parsed = parseSubscription(body, o.maxUids);
      if (!parsed.ok) return errorResponse(c, parsed.status, parsed.code, parsed.message);
      const { change } = parsed;
      const ended = () =>
        errorResponse(
          c,
          404,
          'unknown_session',
          'This presence session has ended (its stream closed); open the stream again and subscribe on the new session.',
        );
      const before = relay.sessions.get(change.sid);
      // Another process's session (a Redis node, or a process on the same file): the host's authorize runs here, where the request is, for every uid added.
      const elsewhere = !before && engine.forward !== undefined && !change.sid.startsWith(relay.sidPrefix);
      if (!before && !elsewhere) return ended();
      const denied = await checkAuthorized(
        c,
        o,
        change.add.filter((uid) => !before?.uids.has(uid)),
      );
      if (denied) return denied;
      const roomsRefused = await checkRooms(c, o, before, change.rooms);
      if (roomsRefused) return roomsRefused;
      const profile = await memberProfile(engine, before, change.rooms);
      const result = elsewhere ? await engine.forward!(change) : await subscribeHere(relay, engine, change, o);
      if (!result) return ended();
      if (!('status' in result)) {
        const session = relay.sessions.get(change.sid);
        if (session) applyRooms(rooms, session, change.rooms, profile);
        return c.json(result);
      }
      return errorResponse(
        c,
        result.status,
        result.code,
        result.message,
        result.status === 503 ? { 'retry-after': '1' } : {},
      );
    },
  );
}

function tooManyFor(c: Context, o: ResolvedOptions, retryAfter: Record<string, string>): Response {
  return errorResponse(
    c,
    429,
    'too_many_streams',
    `At most ${o.maxStreamsPerClient} presence streams per client; close one (one per browser is enough).`,
    retryAfter,
  );
}

/** An older client names its uids in the stream URL; a client of another version says `v`. Both are told what to update. */
function checkVersion(c: Context): Response | null {
  const v = c.req.query('v');
  if (v === String(PROTOCOL_VERSION)) return null;
  const theirs =
    v === undefined ? 'version 1 (its stream URL has no `v`)' : `\`v=${v.length > 10 ? `${v.slice(0, 10)}…` : v}\``;
  return errorResponse(
    c,
    400,
    'protocol_mismatch',
    `This presence server speaks protocol version ${PROTOCOL_VERSION} and the page's client speaks ${theirs}; ${UPDATE}.`,
  );
}
