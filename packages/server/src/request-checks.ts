import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Uid } from '@presence-kit/core';
import { errorResponse } from './errors.js';
import type { ResolvedOptions } from './options.js';

/** Refuses query parameters an endpoint does not take, and any given twice; null when the query is fine. */
export function checkParams(c: Context, allowed: readonly string[]): Response | null {
  const seen = new Set<string>();
  for (const key of new URL(c.req.url).searchParams.keys()) {
    if (!allowed.includes(key)) return unknownParameter(c, key, allowed);
    if (seen.has(key))
      return errorResponse(
        c,
        400,
        'unknown_parameter',
        `Give \`${key}\` once; list several values comma-separated in one parameter.`,
      );
    seen.add(key);
  }
  return null;
}

export function unknownParameter(c: Context, key: string, allowed: readonly string[]): Response {
  const shown = key.length > 40 ? `${key.slice(0, 40)}…` : key;
  const expected = allowed.length
    ? `expected only ${allowed.map((k) => `\`${k}\``).join(' and ')}`
    : 'this endpoint takes none';
  return errorResponse(c, 400, 'unknown_parameter', `Unknown parameter \`${shown}\`; ${expected}.`);
}

/** The host's `authorize` hook over uids this viewer asks for: 403 naming the first refused, null when all are allowed. */
export async function checkAuthorized(c: Context, o: ResolvedOptions, uids: readonly Uid[]): Promise<Response | null> {
  if (!o.authorize || uids.length === 0) return null;
  const allowed = new Set(await o.authorize(c, uids));
  const refused = uids.find((uid) => !allowed.has(uid));
  if (refused === undefined) return null;
  return errorResponse(c, 403, 'forbidden', `You may not watch uid "${refused}"; ask only for users you can see.`);
}

/**
 * Hono's `bodyLimit`, without its cost under @hono/node-server when the request states its
 * length: `bodyLimit` first asks for `c.req.raw.body`, which there builds the whole Web
 * `Request` with a stream over the socket, and a subscribe then cost several times what it
 * does. A stated length is checked as `bodyLimit` checks it; a chunked body goes through
 * `bodyLimit`, which counts as it reads.
 */
export function limitBody(options: { maxSize: number; onError: (c: Context) => Response }): MiddlewareHandler {
  const counting = bodyLimit(options);
  return async function limitBody(c, next) {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return counting(c, next);
    if (Number.parseInt(length, 10) > options.maxSize) return options.onError(c);
    await next();
  };
}
