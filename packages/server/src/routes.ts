import { Hono, type Context } from 'hono';
import { cors } from 'hono/cors';
import { parseUidList, type BulkResponse, type RosterResponse, type Uid } from '@presence-kit/core';
import type { PresenceEngine } from './engine.js';
import { errorResponse } from './errors.js';
import { reasonOf, type FaultLog } from './fault-log.js';
import type { ResolvedOptions } from './options.js';
import type { Relay } from './relay.js';
import { checkAuthorized, checkParams, limitBody, unknownParameter } from './request-checks.js';
import { activityRoute } from './activity-route.js';
import { sessionRoutes } from './session-routes.js';
import { roomRoutes } from './rooms/room-routes.js';
import type { Rooms } from './rooms/rooms.js';

/**
 * Builds the presence sub-app: the session routes (`/stream`, `/subscribe`), the page's activity report
 * (`/activity`), the rooms' (`/rooms/:room`, `/room-state`, `/room-typing`) and the JSON ones (`/status`, `/roster`).
 */
export function presenceRoutes(
  relay: Relay,
  engine: PresenceEngine,
  o: ResolvedOptions,
  faults: FaultLog,
  rooms: Rooms,
): Hono {
  const app = new Hono();
  // Off unless configured: by default only same-origin pages may read presence.
  if (o.cors)
    app.use(
      '*',
      cors({ origin: o.cors.origin, allowMethods: ['GET', 'POST'], allowHeaders: ['content-type'], maxAge: 600 }),
    );

  sessionRoutes(app, relay, engine, o, faults, rooms);
  activityRoute(app);
  roomRoutes(app, rooms, o, faults);

  const bulk = async (c: Context, uids: Uid[]): Promise<Response> => {
    const denied = await checkAuthorized(c, o, uids);
    if (denied) return denied;
    const stored = await engine.users(uids);
    const body: BulkResponse = { t: o.now(), users: relay.statuses(uids, stored) };
    return c.json(body);
  };

  app.get('/status', async (c) => {
    const refused = checkParams(c, ['uids']);
    if (refused) return refused;
    const list = parseUidList(c.req.query('uids'), o.maxUids);
    if (!list.ok) return errorResponse(c, list.code === 'too_many_uids' ? 413 : 400, list.code, list.message);
    return bulk(c, list.uids);
  });

  app.post(
    '/status',
    limitBody({
      // Room for maxUids uids of the longest allowed length, quoted and separated.
      maxSize: o.maxUids * 70 + 64,
      onError: (c) =>
        errorResponse(c, 413, 'payload_too_large', `The body is too large; send at most ${o.maxUids} uids.`),
    }),
    async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return errorResponse(c, 400, 'invalid_body', 'The body must be JSON like {"uids": ["1", "2"]}.');
      }
      if (
        typeof body !== 'object' ||
        body === null ||
        Array.isArray(body) ||
        !Array.isArray((body as { uids?: unknown }).uids)
      ) {
        return errorResponse(c, 400, 'invalid_body', 'The body must be JSON like {"uids": ["1", "2"]}.');
      }
      const extra = Object.keys(body).find((k) => k !== 'uids');
      if (extra !== undefined) return unknownParameter(c, extra, ['uids']);
      const list = parseUidList((body as { uids: unknown[] }).uids, o.maxUids);
      if (!list.ok) return errorResponse(c, list.code === 'too_many_uids' ? 413 : 400, list.code, list.message);
      return bulk(c, list.uids);
    },
  );

  app.get('/roster', (c) => {
    const refused = checkParams(c, ['max', 'offset']);
    if (refused) return refused;
    const max = wholeNumber(c.req.query('max'), 1);
    const offset = wholeNumber(c.req.query('offset'), 0);
    if (max === null || offset === null) {
      return errorResponse(
        c,
        400,
        'unknown_parameter',
        '`max` must be a whole number of at least 1 and `offset` one of at least 0, like ?max=50&offset=100.',
      );
    }
    const roster = relay.roster();
    const body: RosterResponse = { t: o.now(), count: roster.count, users: roster.users.slice(offset, offset + max) };
    return c.json(body);
  });

  // Explicit catch-alls (not notFound): a mounted sub-app's notFound is never consulted.
  for (const [path, allowed] of [
    ['/stream', 'GET'],
    ['/subscribe', 'POST'],
    ['/activity', 'POST'],
    ['/status', 'GET, POST'],
    ['/roster', 'GET'],
    ['/room-state', 'POST'],
    ['/room-typing', 'POST'],
    ['/rooms/:room', 'GET'],
  ] as const) {
    app.all(path, (c) =>
      errorResponse(c, 405, 'method_not_allowed', `${c.req.method} is not allowed here; use ${allowed}.`, {
        allow: allowed,
      }),
    );
  }
  app.all('*', (c) =>
    errorResponse(
      c,
      404,
      'not_found',
      'No such presence endpoint; use /stream, /subscribe, /activity, /status, /roster, /rooms/:room, /room-state or /room-typing.',
    ),
  );
  app.onError((error, c) => {
    // A client that left mid-request (an abandoned upload) is not a server fault, and nobody reads the answer.
    // @hono/node-server aborts the request's signal once the connection is gone.
    if (!c.req.raw.signal.aborted)
      faults.occurred('request', `a request failed and was answered 500 (${reasonOf(error)})`);
    return errorResponse(
      c,
      500,
      'internal',
      'The presence server failed on this request; retry, and report it if it persists.',
    );
  });
  return app;
}

/** A query value as a whole number ≥ `least`; absent is Infinity (no limit) for `max` and 0 for `offset`; null when malformed. */
function wholeNumber(value: string | undefined, least: number): number | null {
  if (value === undefined) return least === 0 ? 0 : Infinity;
  if (!/^\d{1,9}$/.test(value)) return null;
  const n = Number(value);
  return n >= least ? n : null;
}
