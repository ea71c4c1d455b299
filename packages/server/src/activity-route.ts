import type { Hono } from 'hono';

/**
 * `POST /activity`: a page that is used without requests (a single-page app, a reader) reports it.
 * The route itself records nothing: the host's activity middleware (`presence.track`) in front of
 * it already counted the request as the signed-in user's (`resolveUser`, the same throttle, the
 * same uid rule), so a guest's report and a body naming someone else record nothing. Any body is
 * ignored, and the answer is always an empty 204.
 */
export function activityRoute(app: Hono): void {
  app.post('/activity', (c) => c.body(null, 204));
}
