import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { EVENT, QUERY, parseUidList, type BulkResponse, type RosterResponse, type SnapshotFrame, type Uid } from '@presence-kit/core';
import { errorResponse } from './errors.js';
import { reasonOf, type FaultLog } from './fault-log.js';
import type { ResolvedOptions } from './options.js';
import type { Relay } from './relay.js';
import { SseConnection, type DirectSocket } from './sse-connection.js';
import { sseFrame } from './sse-frame.js';

const STREAM_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // nginx and friends buffer responses unless told not to; a buffered stream is a dead one.
  'x-accel-buffering': 'no',
};

type Query = { uids: Uid[]; roster: boolean };
type QueryResult = { ok: true; query: Query } | { ok: false; response: Response };

/** Builds the routes of the presence sub-app: `/stream`, `/status`, `/roster`. */
export function presenceRoutes(relay: Relay, o: ResolvedOptions, faults: FaultLog): Hono {
  const app = new Hono();
  const streamsPerClient = new Map<string, number>();
  // Off unless configured: by default only same-origin pages may read presence.
  if (o.cors) app.use('*', cors({ origin: o.cors.origin, allowMethods: ['GET', 'POST'], allowHeaders: ['content-type'], maxAge: 600 }));

  app.get('/stream', async (c) => {
    const parsed = parseQuery(c, o, ['uids', 'roster']);
    if (!parsed.ok) return parsed.response;
    const { uids, roster } = parsed.query;
    if (uids.length === 0 && !roster) {
      return errorResponse(c, 400, 'nothing_to_watch', 'The stream needs `uids=1,2,3`, `roster=1`, or both.');
    }
    const denied = await checkAuthorized(c, o, uids);
    if (denied) return denied;

    const retryAfter = { 'retry-after': String(Math.ceil(o.retryMs / 1000) * 5) };
    if (relay.connections.size >= o.maxStreams) {
      return errorResponse(c, 503, 'too_many_streams', 'This server holds its maximum of presence streams; retry shortly.', retryAfter);
    }
    const key = o.clientKey(c);
    const open = streamsPerClient.get(key) ?? 0;
    if (open >= o.maxStreamsPerClient) {
      return errorResponse(c, 429, 'too_many_streams', `At most ${o.maxStreamsPerClient} presence streams per client; close one (one per page is enough).`, retryAfter);
    }
    streamsPerClient.set(key, open + 1);

    const connection = new SseConnection(uids, roster, key, o.maxBufferedBytes, (closed) => {
      relay.unsubscribe(closed);
      const left = (streamsPerClient.get(closed.clientKey) ?? 1) - 1;
      if (left <= 0) streamsPerClient.delete(closed.clientKey);
      else streamsPerClient.set(closed.clientKey, left);
    });
    c.req.raw.signal.addEventListener('abort', () => connection.close(), { once: true });
    const outgoing = nodeResponse(c);
    // Its own ETag: a stream never ends, so middleware that hashes the whole body (etag()) would
    // wait forever unless the response has one. Unique, so no request can match it.
    const headers: Record<string, string> = { ...STREAM_HEADERS, etag: `W/"stream-${crypto.randomUUID()}"` };
    // A stream ends only when the server ends it (presence.close(), a slow client dropped): over
    // HTTP/1.1 its socket closes with it, so no idle keep-alive socket holds server.close() up
    // and a reconnect finds the server as it is now. (HTTP/2 forbids the header.)
    if (httpVersionMajor(c) === 1) headers.connection = 'close';
    if (outgoing) connection.writeDirectlyTo(outgoing);

    const snapshot: SnapshotFrame = { t: o.now(), window: relay.window, ...relay.subscribe(connection) };
    connection.write(sseFrame({ retry: o.retryMs }));
    connection.write(sseFrame({ event: EVENT.snapshot, data: JSON.stringify(snapshot) }));
    return new Response(connection.body, { status: 200, headers });
  });

  const bulk = async (c: Context, uids: Uid[]): Promise<Response> => {
    const denied = await checkAuthorized(c, o, uids);
    if (denied) return denied;
    const body: BulkResponse = { t: o.now(), users: relay.statuses(uids) };
    return c.json(body);
  };

  app.get('/status', async (c) => {
    const parsed = parseQuery(c, o, ['uids']);
    return parsed.ok ? bulk(c, parsed.query.uids) : parsed.response;
  });

  app.post(
    '/status',
    bodyLimit({
      // Room for maxUids uids of the longest allowed length, quoted and separated.
      maxSize: o.maxUids * 70 + 64,
      onError: (c) => errorResponse(c, 413, 'payload_too_large', `The body is too large; send at most ${o.maxUids} uids.`),
    }),
    async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return errorResponse(c, 400, 'invalid_body', 'The body must be JSON like {"uids": ["1", "2"]}.');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body) || !Array.isArray((body as { uids?: unknown }).uids)) {
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
    const parsed = parseQuery(c, o, []);
    if (!parsed.ok) return parsed.response;
    const body: RosterResponse = { t: o.now(), ...relay.roster() };
    return c.json(body);
  });

  // Explicit catch-alls (not notFound): a mounted sub-app's notFound is never consulted.
  for (const [path, allowed] of [['/stream', 'GET'], ['/status', 'GET, POST'], ['/roster', 'GET']] as const) {
    app.all(path, (c) =>
      errorResponse(c, 405, 'method_not_allowed', `${c.req.method} is not allowed here; use ${allowed}.`, { allow: allowed }),
    );
  }
  app.all('*', (c) => errorResponse(c, 404, 'not_found', 'No such presence endpoint; use /stream, /status or /roster.'));
  app.onError((error, c) => {
    // A client that left mid-request (an abandoned upload) is not a server fault, and nobody reads the answer.
    // @hono/node-server aborts the request's signal once the connection is gone.
    if (!c.req.raw.signal.aborted) faults.occurred('request', `a request failed and was answered 500 (${reasonOf(error)})`);
    return errorResponse(c, 500, 'internal', 'The presence server failed on this request; retry, and report it if it persists.');
  });
  return app;
}

function parseQuery(c: Context, o: ResolvedOptions, allowed: readonly (keyof Query)[]): QueryResult {
  const url = new URL(c.req.url);
  const seen = new Set<string>();
  for (const key of url.searchParams.keys()) {
    if (!(allowed as readonly string[]).includes(key)) return { ok: false, response: unknownParameter(c, key, allowed) };
    if (seen.has(key)) {
      return { ok: false, response: errorResponse(c, 400, 'invalid_uid', `Give \`${key}\` once; list uids comma-separated in one parameter.`) };
    }
    seen.add(key);
  }
  const list = parseUidList(url.searchParams.get(QUERY.uids), o.maxUids);
  if (!list.ok) return { ok: false, response: errorResponse(c, list.code === 'too_many_uids' ? 413 : 400, list.code, list.message) };
  const rosterParam = url.searchParams.get(QUERY.roster);
  if (rosterParam !== null && !['', '0', '1', 'true', 'false'].includes(rosterParam)) {
    return { ok: false, response: errorResponse(c, 400, 'unknown_parameter', '`roster` must be 1 or 0.') };
  }
  return { ok: true, query: { uids: list.uids, roster: rosterParam === '1' || rosterParam === 'true' || rosterParam === '' } };
}

function unknownParameter(c: Context, key: string, allowed: readonly string[]): Response {
  const shown = key.length > 40 ? `${key.slice(0, 40)}…` : key;
  const expected = allowed.length ? `expected only ${allowed.map((k) => `\`${k}\``).join(' and ')}` : 'this endpoint takes none';
  return errorResponse(c, 400, 'unknown_parameter', `Unknown parameter \`${shown}\`; ${expected}.`);
}

async function checkAuthorized(c: Context, o: ResolvedOptions, uids: readonly Uid[]): Promise<Response | null> {
  if (!o.authorize || uids.length === 0) return null;
  const allowed = new Set(await o.authorize(c, uids));
  const refused = uids.find((uid) => !allowed.has(uid));
  if (refused === undefined) return null;
  return errorResponse(c, 403, 'forbidden', `You may not watch uid "${refused}"; ask only for users you can see.`);
}

/** The Node response under @hono/node-server (its documented `c.env.outgoing`); undefined elsewhere. */
function nodeResponse(c: Context): DirectSocket | undefined {
  const outgoing = (c.env as { outgoing?: Partial<DirectSocket> } | undefined)?.outgoing;
  return outgoing && typeof outgoing.write === 'function' && typeof outgoing.writableLength === 'number' ? (outgoing as DirectSocket) : undefined;
}

/** The request's HTTP major version under @hono/node-server; undefined elsewhere. */
function httpVersionMajor(c: Context): number | undefined {
  return (c.env as { incoming?: { httpVersionMajor?: number } } | undefined)?.incoming?.httpVersionMajor;
}
