import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settle, startServer, StreamRecorder, type TestServer } from './support.js';
import { internalsOf } from '../src/internals.js';

let server: TestServer;
const streams: StreamRecorder[] = [];
const open = (query: string): StreamRecorder => {
  const stream = new StreamRecorder(`${server.url}/presence/stream?${query}`);
  streams.push(stream);
  return stream;
};

beforeEach(async () => {
  server = await startServer();
  server.presence.upsertUser({ uid: '1', name: 'Zed', avatar: '/zed.png' });
  server.presence.upsertUser({ uid: '2', name: 'amy', avatar: null });
});
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  await server.close();
});

describe('the presence stream', () => {
  it('sends a snapshot of every requested uid first, with the server time', async () => {
    await server.visit('1');
    internalsOf(server.presence).relay.tick();
    const stream = open('uids=1,2,3&roster=1');
    const [first] = await stream.waitFor(1);
    expect(first).toEqual({
      event: 'snapshot',
      data: {
        t: server.clock.ms,
        users: {
          '1': { online: true, last_seen: server.clock.ms },
          '2': { online: false, last_seen: null },
          '3': { online: false, last_seen: null },
        },
        roster: { count: 1, users: [{ uid: '1', name: 'Zed', avatar: '/zed.png', last_seen: server.clock.ms }] },
      },
    });
  });

  it('sends exactly one event to each connection watching a user who comes online', async () => {
    const watchesOne = open('uids=1');
    const watchesBoth = open('uids=1,2');
    const watchesTwo = open('uids=2');
    await Promise.all([watchesOne, watchesBoth, watchesTwo].map((s) => s.waitFor(1)));

    await server.visit('1');
    await server.visit('1'); // throttled: no second write, no second event
    internalsOf(server.presence).relay.tick();
    await watchesOne.waitFor(2);
    await watchesBoth.waitFor(2);
    await settle();

    const online = { t: server.clock.ms, users: { '1': { online: true, last_seen: server.clock.ms } } };
    expect(watchesOne.of('presence')).toEqual([{ event: 'presence', data: online }]);
    expect(watchesBoth.of('presence')).toEqual([{ event: 'presence', data: online }]);
    expect(watchesTwo.of('presence')).toEqual([]);
  });

  it('does not flicker a user inside the margin, and drops them once after window + margin', async () => {
    const stream = open('uids=1');
    await stream.waitFor(1);
    await server.visit('1');
    await stream.waitFor(2);
    const seenAt = server.clock.ms;

    for (let second = 1; second < 80; second++) {
      server.clock.advance(1);
      internalsOf(server.presence).relay.tick();
    }
    await settle();
    expect(stream.of('presence')).toHaveLength(1); // still online at 79 s: inside the 20 s margin

    server.clock.advance(1);
    internalsOf(server.presence).relay.tick();
    await stream.waitFor(3);
    await settle();
    expect(stream.of('presence').map((f) => f.data.users['1'])).toEqual([
      { online: true, last_seen: seenAt },
      { online: false, last_seen: seenAt },
    ]);
  });

  it('keeps a user who comes back inside the margin online with no event at all', async () => {
    const stream = open('uids=1');
    await stream.waitFor(1);
    await server.visit('1');
    await stream.waitFor(2);
    server.clock.advance(70);
    internalsOf(server.presence).relay.tick();
    await server.visit('1');
    server.clock.advance(70);
    internalsOf(server.presence).relay.tick();
    await settle();
    expect(stream.of('presence')).toHaveLength(1);
  });

  it('republishes the roster only when the set of online users changes, alphabetically', async () => {
    const stream = open('roster=1');
    await stream.waitFor(1);
    await server.visit('1');
    await stream.waitFor(2);

    server.clock.advance(40);
    await server.visit('1'); // newer last_seen, same set: no roster frame
    internalsOf(server.presence).relay.tick();
    await settle();
    expect(stream.of('roster')).toHaveLength(1);

    await server.visit('2');
    await stream.waitFor(3);
    const rosters = stream.of('roster').map((f) => ({ count: f.data.count, names: f.data.users.map((u: { name: string }) => u.name) }));
    expect(rosters).toEqual([
      { count: 1, names: ['Zed'] },
      { count: 2, names: ['amy', 'Zed'] },
    ]);
  });

  it('sends no presence frames at all while nothing changes', async () => {
    await server.visit('1');
    internalsOf(server.presence).relay.tick();
    const stream = open('uids=1,2&roster=1');
    await stream.waitFor(1);

    for (let i = 0; i < 200; i++) {
      server.clock.advance(0.25);
      if (i % 100 === 0) await server.visit('1'); // steady browsing keeps them online: still no change
      internalsOf(server.presence).relay.tick();
    }
    await settle();
    expect(stream.frames.map((f) => f.event)).toEqual(['snapshot']);

    await server.visit('2'); // the next frame is the next change: nothing was queued in between
    await stream.waitFor(3);
    expect(stream.frames.map((f) => f.event)).toEqual(['snapshot', 'presence', 'roster']);
  });

  it('announces itself as an unbuffered event stream with a retry hint and keep-alives', async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/presence/stream?uids=1`, { signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toContain('no-cache');
    expect(response.headers.get('x-accel-buffering')).toBe('no');

    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('event: snapshot')) text += decoder.decode((await reader.read()).value);
    expect(text.startsWith('retry: 2000\n\n')).toBe(true);
    internalsOf(server.presence).relay.keepAlive();
    while (!text.endsWith(':\n\n')) text += decoder.decode((await reader.read()).value);
    controller.abort();
  });

  it('forgets a connection the moment its client goes away', async () => {
    const stream = open('uids=1,2,3');
    await stream.waitFor(1);
    expect(server.presence.stats().streams).toBe(1);
    expect(server.presence.stats().watchedUids).toBe(3);
    stream.close();
    for (let i = 0; i < 40 && server.presence.stats().streams > 0; i++) await settle(25);
    expect(server.presence.stats().streams).toBe(0);
    expect(server.presence.stats().watchedUids).toBe(0);
  });
});
