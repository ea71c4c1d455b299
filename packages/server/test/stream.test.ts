import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, eventually, FrameReader, startServer, StreamRecorder, type TestApp } from '../../../test/support/index.js';
import { internalsOf } from '../src/internals.js';

// The protocol, in process: `app.request` and the exact bytes of every frame, as Hono's
// own tests do. Only what needs a socket opens one (the last describe).

let host: TestApp;
beforeEach(() => {
  host = createTestApp();
  host.presence.upsertUser({ uid: '1', name: 'Zed', avatar: '/zed.png' });
  host.presence.upsertUser({ uid: '2', name: 'amy', avatar: null });
});
afterEach(() => host.close());

const RETRY = 'retry: 2000\n\n';
const presence = (t: number, users: string) => `event: presence\ndata: {"t":${t},"users":{${users}}}\n\n`;
const online = (uid: string, lastSeen: number) => `"${uid}":{"online":true,"last_seen":${lastSeen}}`;
const offline = (uid: string, lastSeen: number | null) => `"${uid}":{"online":false,"last_seen":${lastSeen}}`;

describe('the presence stream', () => {
  it('sends the retry hint, then a snapshot of every requested uid, with the server time and window', async () => {
    await host.visit('1');
    internalsOf(host.presence).relay.tick();
    const t = host.clock.ms;
    const stream = await host.stream('uids=1,2,3&roster=1');
    expect(await stream.next(2)).toEqual([
      RETRY,
      `event: snapshot\ndata: {"t":${t},"window":{"timeoutSeconds":60,"marginSeconds":20},"users":{${online('1', t)},${offline('2', null)},${offline('3', null)}},` +
        `"roster":{"count":1,"users":[{"uid":"1","name":"Zed","avatar":"/zed.png","last_seen":${t}}]}}\n\n`,
    ]);
    expect(await stream.rest()).toEqual([]);
  });

  it('sends exactly one event to each connection watching a user who comes online', async () => {
    const watchesOne = await host.stream('uids=1');
    const watchesBoth = await host.stream('uids=1,2');
    const watchesTwo = await host.stream('uids=2');
    for (const stream of [watchesOne, watchesBoth, watchesTwo]) await stream.next(2);

    await host.visit('1');
    await host.visit('1'); // throttled: no second write, no second event
    internalsOf(host.presence).relay.tick();
    const t = host.clock.ms;
    expect(await watchesOne.next()).toEqual([presence(t, online('1', t))]);
    expect(await watchesBoth.next()).toEqual([presence(t, online('1', t))]);
    for (const stream of [watchesOne, watchesBoth, watchesTwo]) expect(await stream.rest()).toEqual([]);
  });

  it('does not flicker a user inside the margin, and drops them once after window + margin', async () => {
    const stream = await host.stream('uids=1');
    await stream.next(2);
    await host.visit('1');
    const seenAt = host.clock.ms;
    expect(await stream.next()).toEqual([presence(seenAt, online('1', seenAt))]);

    for (let second = 1; second < 80; second++) {
      host.clock.advance(1);
      internalsOf(host.presence).relay.tick();
    }
    expect(await stream.rest()).toEqual([]); // still online at 79 s: inside the 20 s margin

    host.clock.advance(1);
    internalsOf(host.presence).relay.tick();
    expect(await stream.next()).toEqual([presence(host.clock.ms, offline('1', seenAt))]);
    expect(await stream.rest()).toEqual([]);
  });

  it('keeps a user who comes back inside the margin online with no event at all', async () => {
    const stream = await host.stream('uids=1');
    await stream.next(2);
    await host.visit('1');
    await stream.next();
    host.clock.advance(70);
    internalsOf(host.presence).relay.tick();
    await host.visit('1');
    host.clock.advance(70);
    internalsOf(host.presence).relay.tick();
    expect(await stream.rest()).toEqual([]);
  });

  it('republishes the roster only when the set of online users changes, alphabetically', async () => {
    const stream = await host.stream('roster=1');
    await stream.next(2);
    await host.visit('1');
    const zedAt = host.clock.ms;
    expect(await stream.next()).toEqual([
      `event: roster\ndata: {"t":${zedAt},"count":1,"users":[{"uid":"1","name":"Zed","avatar":"/zed.png","last_seen":${zedAt}}]}\n\n`,
    ]);

    host.clock.advance(40);
    await host.visit('1'); // newer last_seen, same set: no roster frame
    internalsOf(host.presence).relay.tick();
    expect(await stream.rest()).toEqual([]);

    await host.visit('2');
    const t = host.clock.ms;
    expect(await stream.next()).toEqual([
      `event: roster\ndata: {"t":${t},"count":2,"users":[` +
        `{"uid":"2","name":"amy","avatar":null,"last_seen":${t}},{"uid":"1","name":"Zed","avatar":"/zed.png","last_seen":${t}}]}\n\n`,
    ]);
  });

  it('sends no presence frames at all while nothing changes', async () => {
    await host.visit('1');
    internalsOf(host.presence).relay.tick();
    const stream = await host.stream('uids=1,2&roster=1');
    expect(await stream.next(2)).toEqual([RETRY, expect.stringMatching(/^event: snapshot\n/)]);

    for (let i = 0; i < 200; i++) {
      host.clock.advance(0.25);
      if (i % 100 === 0) await host.visit('1'); // steady browsing keeps them online: still no change
      internalsOf(host.presence).relay.tick();
    }
    expect(await stream.rest()).toEqual([]);

    await host.visit('2'); // the next frame is the next change: nothing was queued in between
    const t = host.clock.ms;
    expect(await stream.next(2)).toEqual([presence(t, online('2', t)), expect.stringMatching(/^event: roster\ndata: \{"t":\d+,"count":2,/)]);
  });

  it('announces itself as an unbuffered event stream with a retry hint and keep-alives', async () => {
    const response = await host.app.request('/presence/stream?uids=1');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(response.headers.get('x-accel-buffering')).toBe('no');

    const stream = new FrameReader(response);
    expect(await stream.next(2)).toEqual([RETRY, `event: snapshot\ndata: {"t":${host.clock.ms},"window":{"timeoutSeconds":60,"marginSeconds":20},"users":{${offline('1', null)}}}\n\n`]);
    internalsOf(host.presence).relay.keepAlive();
    expect(await stream.next()).toEqual([':\n\n']);
    await stream.cancel();
  });

  it('forgets a connection whose reader goes away', async () => {
    const stream = await host.stream('uids=1,2,3');
    await stream.next(2);
    expect(internalsOf(host.presence).relay.connections.size).toBe(1);
    expect(internalsOf(host.presence).relay.watchedUids).toBe(3);
    await stream.cancel();
    expect(internalsOf(host.presence).relay.connections.size).toBe(0);
    expect(internalsOf(host.presence).relay.watchedUids).toBe(0);
  });
});

describe('the presence stream over a socket', () => {
  it('forgets a connection the moment its client goes away', async () => {
    const server = await startServer();
    try {
      const stream = new StreamRecorder(`${server.url}/presence/stream?uids=1,2,3`);
      await stream.waitFor(1);
      expect(internalsOf(server.presence).relay.connections.size).toBe(1);
      expect(internalsOf(server.presence).relay.watchedUids).toBe(3);
      stream.close();
      await eventually(() => internalsOf(server.presence).relay.connections.size === 0, 'the server sees the socket close', 1000);
      expect(internalsOf(server.presence).relay.watchedUids).toBe(0);
    } finally {
      await server.close();
    }
  });
});
